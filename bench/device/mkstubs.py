#!/usr/bin/env python3
"""
Replace shared libraries that headless analysis never calls (audio, video codecs, X extensions)
by stubs exporting the same symbols (same sonames, same symbol versions), to make the bundle
smaller. A stubbed function returns 0; data symbols keep their size. (libsystemd: only libdbus uses it;
harfbuzz-subset: PDF font subsetting, printing only.)
  python3 mkstubs.py LIBDIR BINARY     (LIBDIR holds the real libraries; stubs replace them there)
"""
import os, re, subprocess, sys, tempfile

STUB = ['libasound.so.2', 'libpulse.so.0', 'libFLAC.so.12', 'libopus.so.0', 'libdav1d.so.6', 'libopenh264.so.7',
        'libXcomposite.so.1', 'libXdamage.so.1', 'libXext.so.6', 'libXfixes.so.3', 'libXrandr.so.2', 'libXNVCtrl.so.0', 'libXi.so.6',
        'libsystemd.so.0', 'libharfbuzz-subset.so.0']
# Only needed by stubbed libraries: dropped.
DROP = ['libpulsecommon-16.1.so', 'libsndfile.so.1', 'libvorbis.so.0', 'libvorbisenc.so.2', 'libogg.so.0', 'libmp3lame.so.0',
        'libmpg123.so.0', 'libasyncns.so.0', 'libX11-xcb.so.1', 'libXrender.so.1',
        'libgcrypt.so.20', 'libgpg-error.so.0', 'liblz4.so.1', 'libcap.so.2', 'liblzma.so.5']

SYM = re.compile(r'^\s*\d+:\s+([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s+(\S+)(?:\s+\((\d+)\))?')


def dynsyms(path):
    out = subprocess.run(['readelf', '--dyn-syms', '-W', path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = SYM.match(line)
        if m:
            value, size, typ, bind, ndx, name = m.group(1, 2, 3, 4, 5, 6)
            size = int(size, 0)
            yield ndx, typ, bind, size, name


def undefined(path):
    return {name.split('@')[0] for ndx, typ, bind, size, name in dynsyms(path) if ndx == 'UND' and name}


def main():
    libdir, binary = sys.argv[1], sys.argv[2]
    users = [binary] + [os.path.join(libdir, f) for f in os.listdir(libdir) if f not in STUB + DROP]
    wanted = set()
    for u in users:
        wanted |= undefined(u)
    for lib in STUB:
        path = os.path.join(libdir, lib)
        defs = {}
        for ndx, typ, bind, size, name in dynsyms(path):
            if ndx == 'UND' or not name or typ not in ('FUNC', 'OBJECT', 'IFUNC'):
                continue
            base, _, ver = name.partition('@')
            default = name.count('@') == 2 or not ver
            ver = ver.lstrip('@')
            if base in wanted and (default or base not in defs):
                defs[base] = (typ, size, ver)
        src, versions = [], {}
        for base, (typ, size, ver) in sorted(defs.items()):
            if typ == 'OBJECT':
                src.append(f'__attribute__((visibility("default"))) char {base}[{max(size, 1)}];')
            else:
                src.append(f'__attribute__((visibility("default"))) long {base}(void) {{ return 0; }}')
            versions.setdefault(ver, []).append(base)
        with tempfile.TemporaryDirectory() as tmp:
            c = os.path.join(tmp, 'stub.c')
            open(c, 'w').write('\n'.join(src) + '\n')
            args = ['gcc', '-shared', '-fPIC', '-O1', '-s', '-fno-builtin', '-w', f'-Wl,-soname,{lib}', '-o', os.path.join(tmp, lib), c]
            if any(versions):
                vs = os.path.join(tmp, 'v.map')
                nodes = [f'{v} {{ global: {"; ".join(syms)}; }};' for v, syms in versions.items() if v]
                unversioned = versions.get('', [])
                if unversioned:
                    nodes[0] = nodes[0].replace('global: ', 'global: ' + '; '.join(unversioned) + '; ', 1)
                open(vs, 'w').write('\n'.join(nodes) + '\n')
                args.insert(1, f'-Wl,--version-script={vs}')
            subprocess.run(args, check=True)
            before = os.path.getsize(path)
            os.replace(os.path.join(tmp, lib), path)
        print(f'stub {lib}: {len(defs)} symbols ({", ".join(v or "-" for v in versions)}), {before} -> {os.path.getsize(path)} bytes')
    for lib in DROP:
        p = os.path.join(libdir, lib)
        if os.path.exists(p):
            os.remove(p)
            print(f'dropped {lib}')


if __name__ == '__main__':
    main()
