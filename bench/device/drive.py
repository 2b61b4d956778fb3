#!/usr/bin/env python3
"""
Keepsake analysis benchmark without node: a stdlib HTTP server for the built app (with the app's
security headers, src/security/headers.ts) and Chromium driven over CDP (--remote-debugging-pipe).

  python3 drive.py --chrome PATH --app DIR --photos DIR --out DIR [--runs auto,webgpu,wasm]
                   [--count N] [--gpu-count N] [--flagsets default,vulkan] [--deadline S]

For each run: fresh profile, open /?automation=1&demo=0&analyse=0[&backend=B], import the photos
through the app's own file input (DOM.setFileInputFiles, as Playwright's setInputFiles does), start
analysis, wait, collect stageTimings(), report('') summary, the backend reason (the UI's title),
WebGPU adapter info and SystemInfo.getInfo. Everything goes to OUT/results.json (rewritten after
each run, so a timeout still leaves what was measured) and OUT/drive.log; chromium's stderr to
OUT/chrome-<run>.log.
"""
import argparse, re, http.server, json, os, shutil, signal, socketserver, subprocess, sys, tempfile, threading, time, traceback

LOG = None


def log(msg):
    line = f'[{time.strftime("%H:%M:%S")}] {msg}'
    print(line, flush=True)
    if LOG:
        LOG.write(line + '\n')
        LOG.flush()


# ---- the app's server (cli/serve.ts in python) ----
HEADERS = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; font-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'; report-uri /__csp-report",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'Cache-Control': 'no-cache',
}
TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
         '.webmanifest': 'application/manifest+json', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
         '.webp': 'image/webp', '.wasm': 'application/wasm', '.map': 'application/json', '.ttf': 'font/ttf', '.bin': 'application/octet-stream',
         '.tflite': 'application/octet-stream', '.icc': 'application/octet-stream'}
CSP_REPORTS = []
MISSING = []
SERVED = set()
LIVE = set()  # browsers running now: killed (whole process group) on SIGTERM


def on_term(signum, frame):
    for c in list(LIVE):
        try:
            os.killpg(c.proc.pid, signal.SIGKILL)
        except Exception:
            pass
    log(f'killed by signal {signum}; results.json holds the runs finished before')
    os._exit(124)


def make_handler(root):
    root = os.path.realpath(root)

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, *a):
            pass

        def do_POST(self):
            n = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(n)
            if self.path.startswith('/__csp-report'):
                try:
                    CSP_REPORTS.append(json.loads(body))
                except Exception:
                    CSP_REPORTS.append({'unreadable': body[:200].decode('latin1')})
            self.send_response(204)
            self.send_header('Content-Length', '0')
            self.end_headers()

        def do_GET(self):
            path = self.path.split('?', 1)[0].split('#', 1)[0]
            from urllib.parse import unquote
            file = os.path.realpath(os.path.join(root, unquote(path).lstrip('/')))
            if not file.startswith(root):
                self.send_response(403); self.send_header('Content-Length', '0'); self.end_headers(); return
            if not os.path.isfile(file):
                if '.' in os.path.basename(path):
                    MISSING.append(path)
                    self.send_response(404); self.send_header('Content-Length', '0'); self.end_headers(); return
                file = os.path.join(root, 'index.html')
            SERVED.add(os.path.relpath(file, root))
            with open(file, 'rb') as f:
                data = f.read()
            self.send_response(200)
            self.send_header('Content-Type', TYPES.get(os.path.splitext(file)[1].lower(), 'application/octet-stream'))
            for k, v in HEADERS.items():
                self.send_header(k, v)
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return H


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


# ---- CDP over a pipe ----
class CDP:
    def __init__(self, chrome, args, stderr_path, env):
        r_to_chrome, self.w = os.pipe()
        self.r, w_from_chrome = os.pipe()

        def child():
            a, b = os.dup(r_to_chrome), os.dup(w_from_chrome)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.setsid()

        self.stderr = open(stderr_path, 'wb')
        LIVE.add(self)
        self.proc = subprocess.Popen([chrome, *args], stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr, preexec_fn=child, pass_fds=(3, 4), env=env)
        os.close(r_to_chrome)
        os.close(w_from_chrome)
        self.next_id = 0
        self.pending = {}
        self.events = []
        self.seen = {}
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        buf = b''
        while True:
            try:
                chunk = os.read(self.r, 1 << 20)
            except OSError:
                chunk = b''
            if not chunk:
                self.closed = True
                with self.lock:
                    for ev in self.pending.values():
                        ev['done'].set()
                return
            buf += chunk
            while b'\0' in buf:
                msg, buf = buf.split(b'\0', 1)
                m = json.loads(msg)
                if 'id' in m:
                    with self.lock:
                        p = self.pending.get(m['id'])
                    if p:
                        p['msg'] = m
                        p['done'].set()
                else:
                    if m.get('method') == 'Target.attachedToTarget':
                        info = m['params']['targetInfo']
                        if info.get('type') in ('worker', 'shared_worker', 'service_worker', 'iframe'):
                            self.post('Runtime.enable', {}, m['params']['sessionId'])
                            self.post('Target.setAutoAttach', {'autoAttach': True, 'waitForDebuggerOnStart': False, 'flatten': True}, m['params']['sessionId'])
                    if len(self.events) < 2000:
                        self.events.append(m)
                    line = None
                    if m.get('method') in ('Runtime.exceptionThrown', 'Inspector.targetCrashed', 'Target.targetCrashed'):
                        d = (m.get('params') or {}).get('exceptionDetails') or {}
                        line = f'event {m.get("method")}: ' + ((d.get('exception') or {}).get('description') or d.get('text') or json.dumps(m.get('params')))[:800]
                    elif m.get('method') == 'Runtime.consoleAPICalled' and m['params'].get('type') in ('error', 'warning'):
                        args = ' '.join(str(a.get('value', a.get('description', ''))) for a in m['params'].get('args', []))
                        line = f'console.{m["params"]["type"]}: {args[:800]}'
                    if line:
                        key = line[:100]
                        self.seen[key] = self.seen.get(key, 0) + 1
                        if self.seen[key] <= 3:
                            log(line + (' (more like it are not logged)' if self.seen[key] == 3 else ''))

    def post(self, method, params, session):
        """Fire and forget (from the reader thread)."""
        with self.lock:
            self.next_id += 1
            i = self.next_id
        try:
            os.write(self.w, json.dumps({'id': i, 'method': method, 'params': params, 'sessionId': session}).encode() + b'\0')
        except OSError:
            pass

    def send(self, method, params=None, session=None, timeout=60):
        if self.closed:
            raise RuntimeError(f'browser is gone (exit {self.proc.poll()})')
        with self.lock:
            self.next_id += 1
            i = self.next_id
            p = self.pending[i] = {'done': threading.Event()}
        msg = {'id': i, 'method': method, 'params': params or {}}
        if session:
            msg['sessionId'] = session
        os.write(self.w, json.dumps(msg).encode() + b'\0')
        if not p['done'].wait(timeout):
            raise TimeoutError(f'{method} took over {timeout}s')
        with self.lock:
            del self.pending[i]
        if 'msg' not in p:
            raise RuntimeError(f'browser is gone during {method} (exit {self.proc.poll()})')
        m = p['msg']
        if 'error' in m:
            raise RuntimeError(f'{method}: {m["error"]}')
        return m['result']

    def close(self):
        try:
            self.send('Browser.close', timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except Exception:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except Exception:
                pass
            self.proc.wait()
        self.stderr.close()
        LIVE.discard(self)


class Page:
    def __init__(self, cdp):
        self.cdp = cdp
        targets = cdp.send('Target.getTargets')['targetInfos']
        page = next((t for t in targets if t['type'] == 'page'), None)
        tid = page['targetId'] if page else cdp.send('Target.createTarget', {'url': 'about:blank'})['targetId']
        self.session = cdp.send('Target.attachToTarget', {'targetId': tid, 'flatten': True})['sessionId']
        for m in ('Page.enable', 'Runtime.enable'):
            self.send(m)
        # Workers' console errors and exceptions into the log (the vision worker is where TF.js runs).
        self.send('Target.setAutoAttach', {'autoAttach': True, 'waitForDebuggerOnStart': False, 'flatten': True})

    def send(self, method, params=None, timeout=60):
        return self.cdp.send(method, params, self.session, timeout)

    def eval(self, expr, timeout=60):
        r = self.send('Runtime.evaluate', {'expression': expr, 'awaitPromise': True, 'returnByValue': True, 'timeout': timeout * 1000}, timeout=timeout + 5)
        if 'exceptionDetails' in r:
            d = r['exceptionDetails']
            raise RuntimeError(f'page error: {d.get("exception", {}).get("description") or d.get("text")}')
        return r['result'].get('value')

    def wait(self, expr, timeout, every=0.25, what=''):
        end = time.time() + timeout
        while time.time() < end:
            try:
                if self.eval(expr, timeout=30):
                    return
            except RuntimeError as e:
                if 'browser is gone' in str(e):
                    raise
            time.sleep(every)
        raise TimeoutError(f'waited {timeout}s for {what or expr}')


GPU_INFO_JS = r"""(async () => {
  const out = { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated: self.crossOriginIsolated };
  try {
    if (!navigator.gpu) out.webgpu = 'no navigator.gpu';
    else {
      const a = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!a) out.webgpu = 'requestAdapter() returned null';
      else {
        const i = a.info || {};
        out.webgpu = { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: a.isFallbackAdapter ?? i.isFallbackAdapter,
          features: [...a.features].sort(), maxBufferSize: a.limits.maxBufferSize, maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize, maxComputeWorkgroupStorageSize: a.limits.maxComputeWorkgroupStorageSize };
        // The webgpu backend uploads pixels through buffers mapped at creation: check that works here.
        try {
          const d = await a.requestDevice();
          const errs = [];
          for (const size of [1 << 16, 1769472, 64 << 20]) {
            try { d.pushErrorScope('validation'); const b = d.createBuffer({ size, usage: GPUBufferUsage.MAP_WRITE | GPUBufferUsage.COPY_SRC, mappedAtCreation: true }); new Uint8Array(b.getMappedRange()).fill(1); b.unmap(); b.destroy(); const e = await d.popErrorScope(); errs.push(size + ':' + (e ? e.message : 'ok')); }
            catch (e) { errs.push(size + ':' + e.message); }
          }
          out.webgpu.mappedAtCreation = errs; d.destroy();
        } catch (e) { out.webgpu.mappedAtCreation = 'device error: ' + e.message; }
      }
    }
  } catch (e) { out.webgpu = 'error: ' + e.message; }
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) out.webgl2 = 'no webgl2';
    else { const d = gl.getExtension('WEBGL_debug_renderer_info'); out.webgl2 = String(gl.getParameter(d ? d.UNMASKED_RENDERER_WEBGL : gl.RENDERER)); }
  } catch (e) { out.webgl2 = 'error: ' + e.message; }
  return out;
})()"""

SUMMARY_JS = r"""(async () => {
  const k = window.__keepsake;
  const timings = await k.stageTimings();
  const report = await k.report('');
  const faces = report.photos.reduce((n, p) => n + (p.faces?.length ?? 0), 0);
  const objects = report.photos.reduce((n, p) => n + (p.objects?.length ?? p.labels?.length ?? 0), 0);
  const el = document.querySelector('[data-testid=analysis-backend]') || document.querySelector('[data-testid=vision-backend]');
  const facesByPhoto = Object.fromEntries(report.photos.map((p) => [(p.paths?.[0] ?? p.id).split('/').pop(), p.faces?.length ?? 0]));
  const kindsByPhoto = Object.fromEntries(report.photos.filter((p) => p.kind !== 'photo').map((p) => [(p.paths?.[0] ?? p.id).split('/').pop(), p.kind]));
  return { app: report.app, faces, objects, facesByPhoto, kindsByPhoto, photos: report.photos.length, timings, reason: el ? el.getAttribute('title') : null, reasonText: el ? el.textContent : null,
           tensors: await k.tensors().catch((e) => 'error: ' + e.message), status: k.status(), longTasks: k.longTasks().length };
})()"""


def stage_summary(timings, faces):
    stages = sorted({s for t in timings for s in (t or {})})
    out = {}
    for s in stages:
        v = sorted((t or {}).get(s, 0) for t in timings)
        out[s] = {'mean': round(sum(v) / len(v), 1), 'p50': round(v[len(v) // 2], 1), 'p95': round(v[min(len(v) - 1, int(len(v) * 0.95))], 1), 'max': round(v[-1], 1)}
    emb = sum((t or {}).get('embed', 0) for t in timings)
    out['embedPerFace'] = round(emb / faces, 1) if faces else None
    return out


EXTRA = [f for f in os.environ.get('KS_EXTRA_FLAGS', '--disable-dev-shm-usage').split() if f]
SOFTWARE = re.compile(r'swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic', re.I)


def chrome_args(profile, flags):
    return ['--headless', '--no-sandbox', '--remote-debugging-pipe', f'--user-data-dir={profile}', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', *EXTRA, '--window-size=1280,860', '--enable-logging=stderr', '--v=0',
            *flags, 'about:blank']


def probe(a, fs, url, env):
    """Start the browser with a flag set, open the app, read the WebGPU adapter and GPU feature status."""
    profile = tempfile.mkdtemp(prefix=f'ks-probe-{fs}-')
    res = {'flagset': fs, 'flags': FLAGSETS[fs]}
    log(f'--- probe flag set {fs}: {" ".join(FLAGSETS[fs])}')
    cdp = CDP(a.chrome, chrome_args(profile, FLAGSETS[fs]), os.path.join(a.out, f'chrome-probe-{fs}.log'), env)
    try:
        res['browser'] = cdp.send('Browser.getVersion', timeout=30).get('product')
        res['systemInfo'] = system_info(cdp)
        page = Page(cdp)
        page.send('Page.navigate', {'url': f'{url}/?automation=1&demo=0&analyse=0'})
        page.wait('window.__keepsake?.status().loaded === true', 40, what='app loaded')
        res['gpuInfo'] = page.eval(GPU_INFO_JS, timeout=30)
        log(f'probe {fs}: webgpu={json.dumps(res["gpuInfo"].get("webgpu"))[:400]} webgl2={res["gpuInfo"].get("webgl2")}')
    except Exception as e:
        res['error'] = f'{type(e).__name__}: {e}'
        log(f'probe {fs} FAILED: {res["error"]}')
    finally:
        cdp.close()
        res['chromeExit'] = cdp.proc.returncode
        shutil.rmtree(profile, ignore_errors=True)
    return res


def system_info(cdp):
    try:
        info = cdp.send('SystemInfo.getInfo', timeout=30)
        g = info.get('gpu', {})
        return {'devices': g.get('devices'), 'featureStatus': g.get('featureStatus'), 'driverBugWorkarounds': len(g.get('driverBugWorkarounds') or []),
                'auxAttributes': {k: v for k, v in (g.get('auxAttributes') or {}).items() if 'extensions' not in k.lower() and any(s in k.lower() for s in ('gl', 'vulkan', 'driver', 'vendor', 'device', 'angle', 'software', 'sandbox', 'passthrough', 'dawn', 'webgpu'))},
                'vulkanInfo': bool(g.get('vulkanInfo') or (g.get('auxAttributes') or {}).get('vulkanInfo'))}
    except Exception as e:
        return f'error: {e}'


def run_one(a, name, backend, flags, photos, url, env):
    profile = tempfile.mkdtemp(prefix=f'ks-{name}-')
    args = chrome_args(profile, flags)
    stderr_path = os.path.join(a.out, f'chrome-{name}.log')
    res = {'name': name, 'backend_param': backend, 'flags': flags}
    log(f'--- {name}: backend={backend or "auto"} photos={len(photos)} flags={" ".join(flags)}')
    cdp = CDP(a.chrome, args, stderr_path, env)
    try:
        res['browser'] = cdp.send('Browser.getVersion', timeout=30)
        log(f'browser {res["browser"].get("product")}')
        res['systemInfo'] = system_info(cdp)
        page = Page(cdp)
        q = 'automation=1&demo=0&analyse=0' + (f'&backend={backend}' if backend else '')
        page.send('Page.navigate', {'url': f'{url}/?{q}'})
        page.wait('window.__keepsake?.status().loaded === true', 90, what='app loaded')
        res['gpuInfo'] = page.eval(GPU_INFO_JS, timeout=60)
        log(f'page gpu info: webgpu={json.dumps(res["gpuInfo"].get("webgpu"))[:300]} webgl2={res["gpuInfo"].get("webgl2")}')
        before = page.eval('window.__keepsake.status().jobId')
        node = page.send('Runtime.evaluate', {'expression': 'document.querySelector("[data-testid=file-input]")'})['result']
        t0 = time.time()
        page.send('DOM.setFileInputFiles', {'files': photos, 'objectId': node['objectId']})
        page.wait(f'window.__keepsake.status().jobId !== {json.dumps(before)}', 60, what='import job')
        page.wait('["done","cancelled"].includes(window.__keepsake.status().phase)', a.import_timeout, what='import done')
        import_s = time.time() - t0
        st = page.eval('window.__keepsake.status()')
        res['import'] = {'photos': st['photos'], 's': round(import_s, 2), 'photosPerSecond': round(st['photos'] / import_s, 2), 'notice': st.get('notice')}
        log(f'imported {st["photos"]} in {import_s:.1f}s')
        t0 = time.time()
        page.eval('window.__keepsake.startAnalysis()', timeout=120)
        last = 0
        seen_done = 0
        marks = []  # (seconds since start, photos done) whenever the count moves
        end = time.time() + a.analyse_timeout
        while True:
            s = page.eval('window.__keepsake.status().analysis')
            if s['done'] != seen_done:
                seen_done = s['done']
                marks.append((time.time() - t0, s['done']))
            if s['phase'] not in ('loading', 'running'):
                # Failed photos stay unanalysed: settled once done+failed covers the total.
                if s['phase'] in ('stopped', 'paused') or (s['total'] and s['done'] >= s['total']) or page.eval('window.__keepsake.unanalysed()') == 0:
                    break
            if time.time() - last > 5:
                last = time.time()
                log(f'analyse: {s["done"]}/{s["total"]} phase={s["phase"]} backend={s["backend"]}')
            if time.time() > end:
                raise TimeoutError(f'analysis not done after {a.analyse_timeout}s: {s}')
            time.sleep(0.1)
        analyse_s = time.time() - t0
        summ = page.eval(SUMMARY_JS, timeout=120)
        n = summ['photos']
        res.update({
            'backend': summ['app'].get('backend') if isinstance(summ['app'], dict) else None,
            'reason': summ['reason'], 'reasonText': summ['reasonText'],
            'models': summ['app'].get('models') if isinstance(summ['app'], dict) else None,
            'app': {k: v for k, v in summ['app'].items() if k not in ('models',)} if isinstance(summ['app'], dict) else summ['app'],
            'photos': n, 'faces': summ['faces'], 'objects': summ['objects'], 'facesByPhoto': summ['facesByPhoto'], 'kindsByPhoto': summ['kindsByPhoto'],
            'analysis': {'s': round(analyse_s, 2), 'photosPerSecond': round(n / analyse_s, 2), 'failed': s['failed'], 'notice': s.get('notice'), 'phase': s['phase']},
            'msPerStage': stage_summary(summ['timings'], summ['faces']),
            # Models load before the first photo is done; steady = photos/s from the first done photo to the last.
            'firstPhotoS': round(marks[0][0], 2) if marks else None,
            'steadyPhotosPerSecond': round((marks[-1][1] - marks[0][1]) / (marks[-1][0] - marks[0][0]), 2) if len(marks) > 1 and marks[-1][0] > marks[0][0] else None,
            'tensors': summ['tensors'], 'longTasks': summ['longTasks'],
        })
        log(f'{name}: backend={res["backend"]} reason={res["reason"]!r} {n} photos in {analyse_s:.1f}s = {res["analysis"]["photosPerSecond"]} photos/s, faces={summ["faces"]} failed={s["failed"]}')
        log(f'{name}: msPerStage={json.dumps(res["msPerStage"])}')
        if s['failed']:
            # The analyser swallows the error of a failed photo; re-run one in a worker to see it.
            try:
                res['failureSample'] = page.eval('''(async () => { const r = await window.__keepsake.report(''); const id = r.photos[0]?.id ?? r.photos[0]?.photoId;
                  try { return {id, tensors: await window.__keepsake.stressAnalysis([id], 1)}; } catch (e) { return {id, error: String(e && (e.stack || e.message) || e)}; } })()''', timeout=120)
            except Exception as e:
                res['failureSample'] = f'{type(e).__name__}: {e}'
            log(f'{name}: failure sample: {str(res["failureSample"])[:1500]}')
        res['ok'] = s['failed'] == 0 and not s.get('notice') and n > 0
    except Exception as e:
        res['ok'] = False
        res['error'] = f'{type(e).__name__}: {e}'
        log(f'{name} FAILED: {res["error"]}')
        traceback.print_exc()
    finally:
        cdp.close()
        res['chromeExit'] = cdp.proc.returncode
        shutil.rmtree(profile, ignore_errors=True)
    return res


FLAGSETS = {
    # What cli/browser.ts passes for webgpu (headless shell: SwiftShader for GL unless --enable-gpu).
    'default': ['--enable-unsafe-webgpu'],
    # The GPU on, blocklist off, Chromium's own choice of GL/Vulkan.
    'gpu': ['--enable-unsafe-webgpu', '--enable-gpu', '--ignore-gpu-blocklist'],
    # Dawn on Vulkan explicitly, GPU blocklist off (headless Linux often needs this for a hardware adapter).
    'vulkan': ['--enable-unsafe-webgpu', '--enable-features=Vulkan,WebGPUService', '--use-angle=vulkan', '--use-vulkan=native', '--ignore-gpu-blocklist', '--disable-vulkan-surface', '--enable-gpu'],
    # Local check only: ANGLE and Dawn both on SwiftShader-Vulkan (so WebGPU canvases have a shared-image backing).
    'swvulkan': ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--enable-features=Vulkan', '--use-angle=vulkan', '--use-vulkan=swiftshader', '--disable-vulkan-surface'],
    # GL through EGL (ANGLE on the driver's GL), Vulkan for Dawn.
    'egl': ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-gl=angle', '--use-angle=gl-egl', '--ignore-gpu-blocklist', '--enable-gpu'],
}


def main():
    global LOG
    p = argparse.ArgumentParser()
    p.add_argument('--chrome', required=True)
    p.add_argument('--app', required=True)
    p.add_argument('--photos', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--runs', default='auto,webgpu,wasm')
    p.add_argument('--count', type=int, default=1000, help='photos for wasm and auto')
    p.add_argument('--gpu-count', type=int, default=1000, help='photos for webgpu/webgl runs')
    p.add_argument('--flagsets', default='default,vulkan,egl', help='tried in order until one gives a hardware WebGPU adapter')
    p.add_argument('--import-timeout', type=int, default=120)
    p.add_argument('--analyse-timeout', type=int, default=150)
    p.add_argument('--deadline', type=int, default=0, help='skip runs not started by then (seconds from start)')
    a = p.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    os.makedirs(a.out, exist_ok=True)
    LOG = open(os.path.join(a.out, 'drive.log'), 'a')
    started = time.time()
    exts = ('.jpg', '.jpeg', '.png', '.webp', '.heic', '.heif', '.avif')
    # Several folders, comma-separated; faces first so a --count/--gpu-count sample has faces in it.
    photos = []
    for folder in reversed([p for p in a.photos.split(',') if p and os.path.isdir(p)]):
        photos += sorted(os.path.join(os.path.abspath(folder), f) for f in os.listdir(folder) if f.lower().endswith(exts))
    env = dict(os.environ)
    srv = Server(('127.0.0.1', 0), make_handler(a.app))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f'http://127.0.0.1:{srv.server_address[1]}'
    log(f'serving {a.app} at {url}; {len(photos)} photos in {a.photos}')
    results = {'benchmark': 'analyse (GPU machine, bench/device/drive.py)', 'at': time.strftime('%Y-%m-%dT%H:%M:%S%z'), 'machine': {'cores': os.cpu_count(), 'uname': ' '.join(os.uname())}, 'runs': [], 'flagsetTrials': []}
    outfile = os.path.join(a.out, 'results.json')

    def save():
        results['cspViolations'] = CSP_REPORTS[:20]
        results['missingFiles'] = sorted(set(MISSING))[:50]
        results['servedFiles'] = sorted(SERVED)
        results['elapsed_s'] = round(time.time() - started, 1)
        with open(outfile, 'w') as f:
            json.dump(results, f, indent=1)

    # 1. Pick the flag set: the first whose WebGPU adapter is hardware (not a fallback/SwiftShader).
    names = [n.strip() for n in a.flagsets.split(',') if n.strip()]
    runs = [r.strip() for r in a.runs.split(',') if r.strip()]
    chosen = None
    for fs in names:
        if time.time() - started > 150:
            log(f'probing took too long: flag set {fs} and later not tried')
            break
        pr = probe(a, fs, url, env)
        results['flagsetTrials'].append(pr)
        save()
        w = pr.get('gpuInfo', {}).get('webgpu')
        if isinstance(w, dict) and not w.get('isFallbackAdapter') and not SOFTWARE.search(' '.join(str(w.get(k) or '') for k in ('vendor', 'architecture', 'device', 'description'))):
            chosen = fs
            break
    fallback = names[0]
    if chosen is None:
        # No hardware adapter: prefer a flag set where WebGL2 and a (software) WebGPU adapter exist (MediaPipe needs WebGL).
        def has(t, k):
            v = (t.get('gpuInfo') or {}).get(k)
            return isinstance(v, dict) if k == 'webgpu' else str(v or '').startswith('ANGLE')
        trials = results['flagsetTrials']
        fallback = next((t['flagset'] for t in trials if has(t, 'webgpu') and has(t, 'webgl2')), None) or next((t['flagset'] for t in trials if has(t, 'webgl2')), names[0])
    results['flagset'] = chosen or fallback
    results['hardwareWebGPU'] = chosen is not None
    log(f'flag set: {results["flagset"]} (hardware WebGPU adapter: {chosen is not None})')
    flags = FLAGSETS[results['flagset']]
    for r in runs:
        if a.deadline and time.time() - started > a.deadline:
            log(f'deadline reached, skipping {r}')
            continue
        sel = photos[:a.gpu_count] if r in ('webgpu', 'webgl') else photos[:a.count]
        results['runs'].append(run_one(a, r, None if r == 'auto' else r, flags, sel, url, env))
        save()
    save()
    srv.shutdown()
    log(f'done in {time.time() - started:.0f}s -> {outfile}')
    # A short table for the output tail.
    for r in results['runs']:
        an = r.get('analysis') or {}
        log(f'{r["name"]:>14}: backend={r.get("backend")} {r.get("photos")} photos {an.get("photosPerSecond")} photos/s  err={r.get("error")}')


if __name__ == '__main__':
    main()
