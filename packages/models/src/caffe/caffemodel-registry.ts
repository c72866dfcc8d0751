// The Caffe models `sheep weights pull` knows: the original files from their publishers' URLs,
// with their deploy prototxts. Checksums: the BVLC model zoo publishes a SHA-1 for GoogLeNet;
// no publisher gives one for SqueezeNet or the VGG models. The SHA-256 digests and sizes below
// were recorded by a third party, OpenVINO's Open Model Zoo (models/public/<name>/model.yml),
// for the same files; they were not computed here (these machines cannot reach the hosts).

import type { WeightsEntry } from "../download/registry.ts";

export const CAFFE_WEIGHTS: Record<string, WeightsEntry> = {
  googlenet: {
    name: "googlenet",
    description:
      "BVLC GoogLeNet (Inception v1), ImageNet-1k: the network of Google's DeepDream " +
      "notebook, as Caffe's binary model with its deploy prototxt",
    url: "http://dl.caffe.berkeleyvision.org/bvlc_googlenet.caffemodel",
    file: "bvlc_googlenet.caffemodel",
    approxBytes: 53_533_754, // exact, per Open Model Zoo (googlenet-v1)
    // Published by BVLC in the model's readme (models/bvlc_googlenet/readme.md).
    sha1: "405fc5acd08a3bb12de8ee5e23a96bec22f08204",
    sha256: "6f7101e3a2183738a7125a0c5021ba82a1feb4228c5ca0924d991b6daf6f6fad", // Open Model Zoo
    license: "unrestricted use (BVLC model license)",
    format: "caffemodel",
    companions: [
      {
        url:
          "https://raw.githubusercontent.com/BVLC/caffe/" +
          "88c96189bcbf3853b93e2b65c7b5e4948f9d5f67/models/bvlc_googlenet/deploy.prototxt",
        file: "bvlc_googlenet.deploy.prototxt",
        sha256: "fa36cd4112a3240a29600a5aa35333f31bec33daa1a6085b0af308a9f50f0c50", // Open Model Zoo
      },
    ],
  },
  squeezenet: {
    name: "squeezenet",
    description: "SqueezeNet v1.1 (DeepScale), ImageNet-1k: Caffe's binary model + deploy prototxt",
    url: "https://github.com/forresti/SqueezeNet/raw/master/SqueezeNet_v1.1/squeezenet_v1.1.caffemodel",
    file: "squeezenet_v1.1.caffemodel",
    approxBytes: 4_950_080,
    // Open Model Zoo (squeezenet1.1), recorded for the same path at commit a47b6f13 of that repository.
    sha256: "72b912ace512e8621f8ff168a7d72af55910d3c7c9445af8dfbff4c2ee960142",
    license: "BSD-2-Clause",
    format: "caffemodel",
    companions: [
      {
        url:
          "https://raw.githubusercontent.com/forresti/SqueezeNet/" +
          "a47b6f13d30985279789d08053d37013d67d131b/SqueezeNet_v1.1/deploy.prototxt",
        file: "squeezenet_v1.1.deploy.prototxt",
        sha256: "d041bfb2ab4b32fda4ff6c6966684132f2924e329916aa5bfe9285c6b23e3d1c", // Open Model Zoo
      },
    ],
  },
  "vgg16-caffe": {
    name: "vgg16-caffe",
    description:
      "VGG-16, the VGG team's original Caffe model (VGG_ILSVRC_16_layers) with " +
      "its deploy prototxt",
    url: "http://www.robots.ox.ac.uk/~vgg/software/very_deep/caffe/VGG_ILSVRC_16_layers.caffemodel",
    file: "VGG_ILSVRC_16_layers.caffemodel",
    approxBytes: 553_432_081,
    sha256: "a6196bc498e45ea4cb2637114ae8db9410cf1556fd60a55ae93272371beba197", // Open Model Zoo (vgg16)
    license: "CC-BY-4.0 (http://www.robots.ox.ac.uk/~vgg/research/very_deep/)",
    format: "caffemodel",
    companions: [
      {
        // The gist the model zoo links (ksimonyan/211839e770f7b538e2d8), at a fixed revision.
        url:
          "https://gist.githubusercontent.com/ksimonyan/211839e770f7b538e2d8/raw/" +
          "0067c9b32f60362c74f4c445a080beed06b07eb3/VGG_ILSVRC_16_layers_deploy.prototxt",
        file: "VGG_ILSVRC_16_layers_deploy.prototxt",
        sha256: "9fdb04e3f5b9224af473e82441b05b76368dfa6dc841e80655303823e9770962", // Open Model Zoo
      },
    ],
  },
  "vgg19-caffe": {
    name: "vgg19-caffe",
    description:
      "VGG-19, the VGG team's original Caffe model (VGG_ILSVRC_19_layers), the one " +
      "neural-style downloads, with its deploy prototxt",
    url: "http://www.robots.ox.ac.uk/~vgg/software/very_deep/caffe/VGG_ILSVRC_19_layers.caffemodel",
    file: "VGG_ILSVRC_19_layers.caffemodel",
    approxBytes: 574_671_192,
    sha256: "31b4c627c40c6ee151325f079b7ac557fddbd1f79af932888796127a4f4f6954", // Open Model Zoo (vgg19)
    license: "CC-BY-4.0 (http://www.robots.ox.ac.uk/~vgg/research/very_deep/)",
    format: "caffemodel",
    companions: [
      {
        // The revision neural-style's models/download_models.sh fetches. No digest is recorded
        // anywhere we found for this revision (OMZ pins another, f02f8769), so none is checked.
        url:
          "https://gist.githubusercontent.com/ksimonyan/3785162f95cd2d5fee77/raw/" +
          "bb2b4fe0a9bb0669211cf3d0bc949dfdda173e9e/VGG_ILSVRC_19_layers_deploy.prototxt",
        file: "VGG_ILSVRC_19_layers_deploy.prototxt",
      },
    ],
  },
};
