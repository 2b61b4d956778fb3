#!/bin/bash
# Device calls 1 … N-1: keep this call's piece of the archive on the machine (outside the repo: the next
# call, made within the 30 s the machine stays warm, finds it there), and probe the GPU stack. ~10 s.
OUT=${OUT:-/tmp/ks-out}; mkdir -p "$OUT"
D=/var/tmp/ksgpu; mkdir -p $D
P=$(dirname "$0")
cp "$P"/p*.bin "$P/info" "$P/sums" $D/ && (cd $D && sha256sum -c --ignore-missing sums) || echo "STAGE1: PIECE NOT STAGED"
ls -la $D
{
  echo "== date"; date -Is; uname -a; nproc; free -g | head -2; cat /etc/os-release | head -4
  echo "== nvidia-smi"; nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  echo "== ldconfig (vulkan/egl/glvnd/nvidia)"; ldconfig -p | grep -iE 'vulkan|libEGL|libGLX|GLdispatch|nvidia' | head -40
  echo "== ldconfig (chromium deps present?)"; for l in libnss3 libglib-2.0 libX11.so libxcb.so libfontconfig libdbus-1 libasound libgbm libdrm libexpat libfreetype libstdc++ libz.so; do printf '%s: ' $l; ldconfig -p | grep -c "$l"; done
  echo "== /usr/local/nvidia"; ls -la /usr/local/nvidia /usr/local/nvidia/lib64 2>&1 | head -60; find /usr/local/nvidia/share -name '*.json' 2>/dev/null | while read f; do echo "-- $f"; cat "$f"; done
  echo "== vulkan icd dirs"; ls -la /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/share/glvnd/egl_vendor.d 2>&1
  echo "== devices"; ls -la /dev/dri /dev/nvidia* 2>&1 | head; df -h /dev/shm /tmp /var/tmp 2>&1
  echo "== tools"; which xz zstd dpkg python3 timeout; python3 -V; ldd --version | head -1
} 2>&1 | tee "$OUT/probe.txt"
