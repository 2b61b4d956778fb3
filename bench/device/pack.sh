#!/bin/bash
# Build what the device calls carry: .gpu/part1 … .gpu/partN-1 (staged, one call each) and .gpu/partN (the run).
#   bash bench/device/pack.sh [--build]     (--build: vite build the app again into .gpu/dist first)
# Needs here: Debian's chromium-headless-shell + chromium-common 156 debs (apt-get download), xz.
set -euo pipefail
cd "$(dirname "$0")/../.."         # repo root
G=.gpu                             # outputs (git-ignored)
H=bench/device                     # these scripts
W=${KS_PACK_WORK:-/tmp/ksgpu-pack}
LIMIT=$((64 * 1024 * 1024))
SLACK=${KS_SLACK:-500000}           # room per call for files the tree may gain before the run

if [[ "${1:-}" == --build ]]; then
  npx vite build --outDir $G/dist --emptyOutDir --logLevel warn
fi
[[ -f $G/dist/index.html ]] || { echo "no $G/dist: run with --build"; exit 1; }

mkdir -p $W/debs
cd $W/debs
ls chromium-headless-shell_*.deb >/dev/null 2>&1 || apt-get download chromium-headless-shell chromium-common >/dev/null
ls libglvnd0_*.deb >/dev/null 2>&1 || apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null
rm -rf x && mkdir x && for f in *.deb; do dpkg -x $f x; done
cd - >/dev/null

S=$W/ks
rm -rf $S && mkdir -p $S/chrome $S/lib $S/fonts $S/app
C=$W/debs/x/usr/lib/chromium
# headless_lib_strings.pak (all locales, 4.8 MB packed) is left out: the shell runs without it.
# SwiftShader stays: without any GL, MediaPipe's face detector (WebGL) fails even on the wasm backend.
cp $C/chromium-headless-shell $C/headless_lib_data.pak $C/headless_command_resources.pak $C/icudtl.dat $C/v8_context_snapshot.bin $C/snapshot_blob.bin \
   $C/libvulkan.so.1 $C/libvk_swiftshader.so $C/vk_swiftshader_icd.json $S/chrome/
# Shared libraries: everything ldd finds except glibc, libstdc++, libgcc_s and zlib (assumed on any Linux).
ldd $C/chromium-headless-shell | awk '/=> \//{print $1" "$3}' | while read name path; do
  case $name in libc.so*|libm.so*|libpthread*|libdl.so*|librt.so*|libresolv*|ld-linux*|libstdc++*|libgcc_s*|libz.so*) continue;; esac
  cp -L "$path" $S/lib/$name
done
# Audio, video codecs and X extensions that headless analysis never calls: stubs (same symbols, return 0).
python3 $H/mkstubs.py $S/lib $C/chromium-headless-shell
# NSS loads these with dlopen.
for n in libsoftokn3.so libfreeblpriv3.so libfreebl3.so libnssdbm3.so libnssckbi.so; do cp -L /usr/lib/x86_64-linux-gnu/$n $S/lib/; done
# GL/Vulkan loaders (glvnd + Khronos loader), the device README's .gl recipe, pre-extracted.
for n in libEGL.so.1 libGLESv2.so.2 libGLX.so.0 libGLdispatch.so.0 libGL.so.1 libOpenGL.so.0; do cp -L $W/debs/x/usr/lib/x86_64-linux-gnu/$n $S/lib/; done
# Fonts: one face and a config, so fontconfig never finds an empty system.
cp $G/dist/assets/DejaVuSans-*.ttf $S/fonts/DejaVuSans.ttf
cat > $S/fonts/fonts.conf <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>FONTDIR</dir><cachedir>/tmp/ks-fontcache</cachedir></fontconfig>
EOF
# The app: what analysis loads (import, reader, cluster, vision workers, models, wasm runtimes, gazetteer).
# Everything under models/ vendor/ geo/ icons/, and of assets/ what index.html reaches by name (not the
# export/print workers, fonts, source maps); no service worker (its precache would fetch files left out).
python3 - $G/dist > $W/app-files.txt <<'PY'
import os, re, sys
root = sys.argv[1]
files = [os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs]
keep = {f for f in files if f.split('/')[0] in ('models', 'vendor', 'geo', 'icons') or f in ('index.html', 'manifest.webmanifest')}
assets = {os.path.basename(f): f for f in files if f.startswith('assets/') and not f.endswith('.map')}
todo = [f for f in keep if f.endswith(('.html', '.webmanifest'))]
skip = re.compile(r'^(export|print-pixels)\.worker-|^NotoSans|^DejaVuSans')
while todo:
    text = open(os.path.join(root, todo.pop()), encoding='utf8', errors='ignore').read()
    for name, f in assets.items():
        if f not in keep and name in text and not skip.match(name):
            keep.add(f)
            if f.endswith(('.js', '.css')):
                todo.append(f)
print('\n'.join(sorted(keep)))
PY
(cd $G/dist && tar -cf - -T $W/app-files.txt) | tar -xf - -C $S/app
# Photos with faces (the demo library that travels with the tree has none): every corpus JPEG with a
# verified face, so detect, embed and the face stages run too; and the small junk JPEGs (documents,
# receipts, screenshots under 100 KB), so the text detector runs on the GPU backends as well.
CORPUS=${KEEPSAKE_CORPUS:-$(cd .. && pwd)/shared/corpus}
mkdir -p $S/photos
python3 - "$CORPUS" $S/photos <<'PY'
import json, os, shutil, sys
corpus, out = sys.argv[1:]
for f in json.load(open(os.path.join(corpus, 'manifest.json')))['files']:
    faces = (f.get('faces') or {}).get('count')
    junk = f['kind'] != 'photo' and f['bytes'] < 100_000
    if (faces or junk) and f['format'] == 'JPEG':
        shutil.copy(os.path.join(corpus, f['path']), out)
PY
echo "built $(date -Is) from $(git rev-parse --short HEAD) + working tree; app files: $(wc -l < $W/app-files.txt)" > $S/manifest.txt
git status --short >> $S/manifest.txt || true

# Two xz streams (the binary with the x86 filter), concatenated, split by bytes.
# (the binary's stream is raw xz, not tar: 4-5 minutes to make, kept between packs)
if [[ ! -f $W/chrome.xz || $C/chromium-headless-shell -nt $W/chrome.xz ]]; then
  xz --x86 --lzma2=preset=9e,dict=256MiB -T1 -c $C/chromium-headless-shell > $W/chrome.xz.tmp && mv $W/chrome.xz.tmp $W/chrome.xz
fi
tar -C $W --exclude=ks/chrome/chromium-headless-shell -cf - ks | xz -9e -T0 > $W/rest.tar.xz
LEN=$(stat -c %s $W/chrome.xz)
cat $W/chrome.xz $W/rest.tar.xz > $W/all.bin
TOTAL=$(stat -c %s $W/all.bin)

# What the tree costs: tracked + untracked-not-ignored files.
TREE=$(git ls-files -co --exclude-standard -z | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s}')
SCRIPTS=$(cat $H/run.sh $H/drive.py | wc -c)
BUDGET=$((LIMIT - TREE - SCRIPTS - SLACK))
(( BUDGET > 4 * 1024 * 1024 )) || { echo "TOO BIG: the tree alone ($TREE bytes) leaves no room in a call"; exit 1; }
# As many pieces as it takes for each call (the tree plus one piece) to fit: the first ones are only
# staged on the machine (stage1.sh), the last one's call unpacks them all and runs (run.sh).
N=$(( (TOTAL + BUDGET - 1) / BUDGET ))
PIECE=$(( (TOTAL + N - 1) / N ))
echo "tree $TREE, archive $TOTAL (chrome $LEN), budget per call $BUDGET: $N pieces of $PIECE bytes"
rm -rf $G/part? $G/part[0-9]* && SUMS=$W/sums && : > $SUMS
for i in $(seq 1 $N); do
  mkdir -p $G/part$i
  dd if=$W/all.bin of=$G/part$i/p$i.bin bs=1M iflag=skip_bytes,count_bytes skip=$(( (i - 1) * PIECE )) count=$PIECE status=none
  (cd $G/part$i && sha256sum p$i.bin) >> $SUMS
done
SUM=$(sha256sum $W/all.bin | cut -d' ' -f1)
for i in $(seq 1 $N); do
  printf 'CHROME_LEN=%s\nTOTAL=%s\nSHA=%s\nPIECES=%s\n' $LEN $TOTAL $SUM $N > $G/part$i/info
  cp $SUMS $G/part$i/sums
  if (( i < N )); then cp $H/stage1.sh $G/part$i/; else cp $H/run.sh $H/drive.py $G/part$i/; fi
done
ls -la $G/part*
