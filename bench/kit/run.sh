#!/bin/sh
# The GPU kit's launcher: run the Electric Sheep bench on this machine's GPU with the bundled
# Node, Dawn (dawn.node) and, where the system has none, the bundled Vulkan loader. The NVIDIA
# driver supplies the Vulkan ICD; this script finds its manifest, or writes one for the driver's
# library when a container mounted the library without the manifest.
#
#   ./run.sh [bench options]     default: --adapter gpu (full mode); results go to ./results/
#   ./run.sh --quick             fewer sizes and runs
#   SHEEP_KIT_LOADER=bundled ./run.sh …   use the bundled libvulkan.so.1 even if the system has one
set -eu
here=$(cd "$(dirname "$0")" && pwd)
say() { echo "run.sh: $*" >&2; }

export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
export SHEEP_BENCH_LAUNCHER=kit
export SHEEP_CACHE_DIR="${SHEEP_CACHE_DIR:-$here/cache}"

# Where the dynamic linker would find a library (ldconfig's cache, then the usual folders).
find_lib() {
  p=$( (/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null || true) | awk -v n="$1" '$1 == n && /x86-64/ { print $NF; exit }')
  if [ -n "$p" ] && [ -e "$p" ]; then echo "$p"; return; fi
  for d in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /lib64 /usr/lib /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    if [ -e "$d/$1" ]; then echo "$d/$1"; return; fi
  done
}

libs=""
# 1. The Vulkan loader: the system's if it has one, else ours.
if [ "${SHEEP_KIT_LOADER:-}" = bundled ] || [ -z "$(find_lib libvulkan.so.1)" ]; then
  libs="$here/lib"
  say "Vulkan loader: bundled ($here/lib/libvulkan.so.1)"
else
  say "Vulkan loader: $(find_lib libvulkan.so.1)"
fi

# 2. dawn.node needs libstdc++ with GLIBCXX_3.4.30 (GCC 12+); older systems get the bundled one.
stdcpp=$(find_lib libstdc++.so.6)
if [ -z "$stdcpp" ] || ! grep -q GLIBCXX_3.4.30 "$stdcpp"; then
  libs="${libs:+$libs:}$here/lib/fallback"
  say "libstdc++: bundled (the system's lacks GLIBCXX_3.4.30)"
fi
if [ -n "$libs" ]; then export LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi

# 3. The NVIDIA Vulkan ICD manifest.
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  for f in /usr/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json \
           /etc/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.x86_64.json \
           /usr/local/share/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/icd.d/nvidia_icd.json; do
    if [ -e "$f" ]; then export VK_ICD_FILENAMES="$f"; break; fi
  done
fi
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  # Containers often mount the driver's libraries but not the manifest; NVIDIA's Vulkan ICD is
  # libGLX_nvidia.so.0 (needs NVIDIA_DRIVER_CAPABILITIES to include "graphics").
  glx=$(find_lib libGLX_nvidia.so.0)
  if [ -n "$glx" ]; then
    mkdir -p "$here/icd"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$glx" > "$here/icd/nvidia_icd.json"
    export VK_ICD_FILENAMES="$here/icd/nvidia_icd.json"
    say "wrote an ICD manifest for $glx"
  else
    say "no NVIDIA Vulkan ICD found (nvidia_icd.json or libGLX_nvidia.so.0); Vulkan will use whatever drivers the system lists"
  fi
fi
[ -n "${VK_ICD_FILENAMES:-}" ] && say "VK_ICD_FILENAMES=$VK_ICD_FILENAMES"

if ! "$here/bin/node" --version >/dev/null 2>&1; then
  say "the bundled Node does not start here (it needs x86-64 Linux with glibc 2.28+; Dawn needs glibc 2.34+)"
  exit 1
fi
exec "$here/bin/node" "$here/bench/run.js" --adapter gpu "$@"
