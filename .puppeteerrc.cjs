// Puppeteer's own browser download needs the open internet; we drive Debian's system Chromium.
module.exports = { skipDownload: true };
