#!/bin/bash
# Device call N of N: the pieces staged by stage1.sh + this one -> headless Chromium 156 + the built app,
# then drive.py: WebGPU adapter probe per flag set, auto / forced webgpu / wasm analysis runs.
#   bash .gpu/partN/run.sh   env: KS_RUNS (auto,webgpu,wasm,webgl) KS_FLAGSETS (vulkan,gpu,egl,default) KS_TIMEOUT (360) KS_DEADLINE (240) KS_COUNT KS_GPU_COUNT KS_PHOTOS KS_SKIP_UNPACK
OUT=${OUT:-/tmp/ks-out}; mkdir -p "$OUT"
exec > >(tee -a "$OUT/run.log") 2>&1
P=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$P/../.." && pwd)
D=${KS_DIR:-/var/tmp/ksgpu}; mkdir -p $D
T0=$(date +%s)
say() { echo "[run.sh $(( $(date +%s) - T0 ))s] $*"; }
pack_logs() {
  cd "$OUT" && ls chrome-*.log >/dev/null 2>&1 && { for f in chrome-*.log; do tail -c 3000000 "$f" > "$f.t" && mv "$f.t" "$f"; done; tar -cJf chrome-logs.tar.xz chrome-*.log && rm -f chrome-*.log; }
  ls -la "$OUT"
}
trap pack_logs EXIT
. "$P/info"
if [[ -z "${KS_SKIP_UNPACK:-}" ]]; then
  STAGED=$(for i in $(seq 1 $((PIECES - 1))); do echo $D/p$i.bin; done)
  for f in $STAGED; do
    [[ -f $f ]] || { say "FATAL: $f is not on this machine: it went cold between the calls. Run every stage1.sh call and this one again, back to back."; exit 3; }
  done
  cat $STAGED "$P"/p$PIECES.bin > $D/all.bin
  echo "$SHA  $D/all.bin" | sha256sum -c - || { say "FATAL: archive checksum mismatch (part A and B from different packs?)"; exit 4; }
  rm -rf $D/ks
  if command -v xz >/dev/null; then
    tail -c +$((CHROME_LEN + 1)) $D/all.bin | xz -dc | tar -x -C $D && head -c $CHROME_LEN $D/all.bin | xz -dc > $D/ks/chrome/chromium-headless-shell || { say "FATAL: unpack failed"; exit 5; }
  else
    python3 - $D $CHROME_LEN <<'PY' || { say "FATAL: unpack failed"; exit 5; }
import io, lzma, sys, tarfile
d, n = sys.argv[1], int(sys.argv[2])
data = open(f'{d}/all.bin', 'rb').read()
tarfile.open(fileobj=io.BytesIO(lzma.decompress(data[n:]))).extractall(d)
open(f'{d}/ks/chrome/chromium-headless-shell', 'wb').write(lzma.decompress(data[:n]))
PY
  fi
  chmod +x $D/ks/chrome/chromium-headless-shell
  rm -f $D/all.bin
  say "unpacked: $(du -sh $D/ks | cut -f1)"; cat $D/ks/manifest.txt | head -3
fi
K=$D/ks
echo "== gpu"; nvidia-smi -L 2>&1; nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1
NV=""; for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [[ -d $d ]] && NV="$NV:$d"; done
export LD_LIBRARY_PATH="$K/lib:$K/chrome$NV${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
[[ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json VK_ICD_FILENAMES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[[ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ]] && export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
sed "s|FONTDIR|$K/fonts|" $K/fonts/fonts.conf > $K/fonts/fonts.local.conf
export FONTCONFIG_FILE=$K/fonts/fonts.local.conf HOME=/tmp/ks-home XDG_CONFIG_HOME=/tmp/ks-home/.config XDG_CACHE_HOME=/tmp/ks-home/.cache
mkdir -p /tmp/ks-home
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset} __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-unset}"
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
MISSING=$(ldd $K/chrome/chromium-headless-shell | grep "not found"); [[ -n "$MISSING" ]] && { say "FATAL: libraries missing:"; echo "$MISSING"; exit 6; }
$K/chrome/chromium-headless-shell --version 2>&1 | head -2
say "driving"
# GPU load while it runs (proves the work is on the H200): one line per half second.
command -v nvidia-smi >/dev/null && { nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used,clocks.sm --format=csv -lms 500 > "$OUT/nvsmi.csv" 2>&1 & NVPID=$!; }
PYTHONUNBUFFERED=1 timeout -k 10 ${KS_TIMEOUT:-360} python3 "$P/drive.py" --chrome $K/chrome/chromium-headless-shell --app $K/app --photos "${KS_PHOTOS:-$ROOT/public/demo,$K/photos}" --out "$OUT" \
  --runs "${KS_RUNS:-auto,webgpu,wasm,webgl}" --flagsets "${KS_FLAGSETS:-vulkan,gpu,egl,default}" --deadline "${KS_DEADLINE:-240}" \
  --count "${KS_COUNT:-1000}" --gpu-count "${KS_GPU_COUNT:-1000}" ${KS_DRIVE_ARGS:-}
say "drive.py exit $?"
[[ -n "${NVPID:-}" ]] && kill $NVPID 2>/dev/null
