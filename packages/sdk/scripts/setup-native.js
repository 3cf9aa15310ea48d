#!/usr/bin/env node
/*
 * Builds @tensorflow/tfjs-node (and -gpu on NVIDIA machines) against the TensorFlow C libraries
 * shipped inside the TensorFlow pip wheel, from source with node-gyp. tfjs-node's own installer
 * downloads libtensorflow 2.9 and a prebuilt addon from a host outside the package registries, so
 * it is disabled in the root package.json (`allowScripts`) and replaced by this script.
 *
 * Never fails the install: on any problem it records why in `tfscale-native.json` next to the
 * tfjs-node package (read by `tfscale doctor`) and prints one line with the fix.
 */

const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

const TF_VERSION = '2.21.0';
const STATUS_FILE = 'tfscale-native.json';
const LIBS = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];
// Link-time names the addon's binding.gyp asks for; the last keeps tfjs-node's installer content.
const LINKS = {
  'libtensorflow.so': 'libtensorflow_cc.so.2',
  'libtensorflow_framework.so': 'libtensorflow_framework.so.2',
  'libtensorflow.so.2.9.1': 'libtensorflow_cc.so.2',
};
// Headers the addon includes, as path prefixes under the wheel's `tensorflow/include/`.
const HEADER_PREFIXES = ['tensorflow/c/', 'tensorflow/core/platform/ctstring', 'tsl/platform/ctstring', 'xla/tsl/c/'];

const log = (msg) => console.log(`[tfscale native] ${msg}`);

class SetupError extends Error {
  constructor(step, reason, fix) {
    super(reason);
    this.step = step;
    this.fix = fix;
  }
}

function cacheRoot() {
  if (process.env.TFSCALE_CACHE_DIR) return process.env.TFSCALE_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tfscale');
}

function resolvePackageDir(name, from) {
  try {
    return path.dirname(require.resolve(`${name}/package.json`, { paths: [from] }));
  } catch {
    return undefined;
  }
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
}

function hasGpu() {
  if (process.env.TFSCALE_GPU === '0') return false;
  if (process.env.TFSCALE_GPU === '1') return true;
  const r = run('nvidia-smi', ['-L']);
  return r.status === 0 && /GPU \d+:/.test(r.stdout);
}

/** Python interpreters to ask for an installed `tensorflow`, most specific first. */
function pythonCandidates(repoRoot) {
  if (process.env.TFSCALE_PYTHON) return [process.env.TFSCALE_PYTHON];
  const list = [];
  if (repoRoot) list.push(path.join(repoRoot, '.venv', 'bin', 'python'));
  if (process.env.VIRTUAL_ENV) list.push(path.join(process.env.VIRTUAL_ENV, 'bin', 'python'));
  list.push('python3');
  return [...new Set(list)];
}

const FIND_TF_PY = `
import importlib.util, importlib.metadata as md, json, os
out = {}
spec = importlib.util.find_spec('tensorflow')
if spec and spec.submodule_search_locations:
    out['dir'] = list(spec.submodule_search_locations)[0]
    for dist in ('tensorflow', 'tensorflow-cpu'):
        try:
            out['version'] = md.version(dist); out['dist'] = dist; break
        except md.PackageNotFoundError:
            pass
print(json.dumps(out))
`;

/** An installed Python `tensorflow` package of the wanted version, if one is reachable. */
function findInstalledTensorFlow(repoRoot, wantGpu) {
  for (const py of pythonCandidates(repoRoot)) {
    const r = run(py, ['-c', FIND_TF_PY]);
    if (r.status !== 0) continue;
    let info;
    try {
      info = JSON.parse(r.stdout.trim() || '{}');
    } catch {
      continue;
    }
    if (!info.dir || !info.version?.startsWith(TF_VERSION.split('.').slice(0, 2).join('.'))) continue;
    if (wantGpu && info.dist !== 'tensorflow') continue;
    if (!LIBS.every((l) => fs.existsSync(path.join(info.dir, l)))) continue;
    return {
      libDir: info.dir,
      includeDir: path.join(info.dir, 'include'),
      version: info.version,
      source: `python package ${info.dir}`,
    };
  }
  return undefined;
}

/** Extracts the libraries and headers from a wheel (a zip) without unpacking the rest. */
async function extractWheel(wheel, dest) {
  const yauzl = require('yauzl');
  const tmp = `${dest}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const wanted = (name) => {
    if (LIBS.some((l) => name === `tensorflow/${l}`)) return path.join(tmp, 'lib', path.basename(name));
    const inc = 'tensorflow/include/';
    if (name.startsWith(inc) && name.endsWith('.h')) {
      const rel = name.slice(inc.length);
      if (HEADER_PREFIXES.some((p) => rel.startsWith(p))) return path.join(tmp, 'include', rel);
    }
    return undefined;
  };
  await new Promise((resolve, reject) => {
    yauzl.open(wheel, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry) => {
        const out = wanted(entry.fileName);
        if (!out) return zip.readEntry();
        fs.mkdirSync(path.dirname(out), { recursive: true });
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          stream
            .pipe(fs.createWriteStream(out))
            .on('finish', () => zip.readEntry())
            .on('error', reject);
        });
      });
      zip.readEntry();
    });
  });
  for (const l of LIBS) {
    if (!fs.existsSync(path.join(tmp, 'lib', l))) throw new Error(`${path.basename(wheel)} has no tensorflow/${l}`);
  }
  fs.rmSync(dest, { recursive: true, force: true });
  fs.renameSync(tmp, dest);
}

/** Libraries from the pip wheel, downloaded once into the user cache and reused after. */
async function fromWheel() {
  const dest = path.join(cacheRoot(), `tensorflow-${TF_VERSION}-cpu`);
  const ready = () => LIBS.every((l) => fs.existsSync(path.join(dest, 'lib', l)));
  const result = (source) => ({
    libDir: path.join(dest, 'lib'),
    includeDir: path.join(dest, 'include'),
    version: TF_VERSION,
    source,
  });
  if (ready()) return result(`cache ${dest}`);

  let wheel = process.env.TFSCALE_TF_WHEEL;
  if (!wheel) {
    const wheelDir = path.join(cacheRoot(), 'wheels');
    fs.mkdirSync(wheelDir, { recursive: true });
    const find = () =>
      fs.readdirSync(wheelDir).find((f) => f.startsWith(`tensorflow_cpu-${TF_VERSION}-`) && f.endsWith('.whl'));
    if (!find()) {
      log(`downloading the tensorflow-cpu==${TF_VERSION} wheel with pip (about 270 MB, once)`);
      const pip = run(
        'python3',
        [
          '-m',
          'pip',
          'download',
          `tensorflow-cpu==${TF_VERSION}`,
          '--no-deps',
          '--retries',
          '0',
          '--only-binary=:all:',
          '-d',
          wheelDir,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      if (pip.error || pip.status !== 0) {
        const why = pip.error
          ? `python3 not runnable (${pip.error.code})`
          : lastLine(pip.stderr) || `pip exited with ${pip.status}`;
        throw new SetupError(
          'download',
          `could not download the TensorFlow wheel: ${why}`,
          `python3 -m pip download tensorflow-cpu==${TF_VERSION} --no-deps -d ${wheelDir} && npx tfscale setup-native`,
        );
      }
    }
    wheel = path.join(wheelDir, find());
  }
  log(`extracting the C libraries and headers from ${path.basename(wheel)}`);
  await extractWheel(wheel, dest);
  return result(`wheel ${wheel}`);
}

function lastLine(text) {
  return (text || '').trim().split('\n').filter(Boolean).pop();
}

function linkOrCopy(src, dst) {
  fs.rmSync(dst, { force: true });
  try {
    fs.linkSync(src, dst);
  } catch {
    fs.copyFileSync(src, dst);
  }
}

function copyHeaders(includeDir, dest) {
  const walk = (rel) => {
    const abs = path.join(includeDir, rel);
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const childRel = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (HEADER_PREFIXES.some((p) => p.startsWith(`${childRel}/`) || childRel.startsWith(p.replace(/\/$/, ''))))
          walk(childRel);
      } else if (entry.name.endsWith('.h') && HEADER_PREFIXES.some((p) => childRel.startsWith(p))) {
        fs.mkdirSync(path.join(dest, rel), { recursive: true });
        fs.copyFileSync(path.join(abs, entry.name), path.join(dest, childRel));
      }
    }
  };
  walk('');
}

/** Puts the libraries where binding.gyp links them and where the addon's rpath finds them. */
function stage(pkgDir, tf, extraLibDirs = []) {
  const deps = path.join(pkgDir, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  const lib = path.join(deps, 'lib');
  fs.mkdirSync(lib, { recursive: true });
  for (const l of LIBS) linkOrCopy(path.join(tf.libDir, l), path.join(lib, l));
  for (const [name, target] of Object.entries(LINKS)) fs.symlinkSync(target, path.join(lib, name));
  // CUDA libraries from the nvidia-* wheels: TF finds them by relative search paths that no
  // longer hold once the TF libraries move, so they are linked beside them.
  for (const dir of extraLibDirs) {
    for (const f of fs.readdirSync(dir)) {
      if (/\.so(\.|$)/.test(f) && !fs.existsSync(path.join(lib, f)))
        fs.symlinkSync(path.join(dir, f), path.join(lib, f));
    }
  }
  copyHeaders(tf.includeDir, path.join(deps, 'include'));
}

function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  for (const dir of [path.resolve(process.execPath, '..', '..'), '/usr', '/usr/local']) {
    if (fs.existsSync(path.join(dir, 'include', 'node', 'node.h'))) return dir;
  }
  return undefined;
}

function build(pkgDir) {
  const dir = nodeDir();
  if (!dir) {
    throw new SetupError(
      'build',
      'no Node.js headers found for node-gyp (include/node/node.h)',
      'apt-get install -y nodejs-dev  # or set npm_config_nodedir to a Node.js source/headers folder',
    );
  }
  const preGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: [pkgDir] });
  const env = {
    ...process.env,
    npm_config_nodedir: dir,
    npm_config_build_from_source: 'true',
    JOBS: String(os.cpus().length),
  };
  const r = run(process.execPath, [preGyp, 'rebuild', '--build-from-source'], {
    cwd: pkgDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error || r.status !== 0) {
    const text = `${r.stdout || ''}\n${r.stderr || ''}`;
    const missingCxx = /not found: (make|g\+\+|c\+\+)|gyp ERR! stack Error: not found/.test(text);
    fs.writeFileSync(path.join(pkgDir, 'tfscale-build.log'), text);
    throw new SetupError(
      'build',
      missingCxx
        ? 'no C++ toolchain for node-gyp (make, g++)'
        : `node-gyp build failed (log: ${path.join(pkgDir, 'tfscale-build.log')}): ${lastLine(r.stderr)}`,
      missingCxx
        ? 'apt-get install -y make g++ python3 && npx tfscale setup-native'
        : 'npx tfscale setup-native --verbose',
    );
  }
}

function verify(pkgName, pkgDir) {
  const probe = `const tf=require(${JSON.stringify(pkgName)});const b=tf.backend();const y=tf.matMul(tf.tensor2d([[1,2],[3,4]]),tf.tensor2d([[5],[6]])).dataSync();console.log(JSON.stringify({backend:tf.getBackend(),tensorflow:b.binding.TF_Version,matMul:Array.from(y)}))`;
  const r = run(process.execPath, ['-e', probe], {
    cwd: path.dirname(path.dirname(pkgDir)),
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  const line = (r.stdout || '').trim().split('\n').pop();
  let info;
  try {
    info = JSON.parse(line);
  } catch {
    throw new SetupError(
      'verify',
      `the built addon does not load: ${lastLine(r.stderr)}`,
      'npx tfscale setup-native --verbose',
    );
  }
  if (info.backend !== 'tensorflow' || info.matMul.join() !== '17,39') {
    throw new SetupError('verify', `unexpected probe result ${line}`, 'npx tfscale setup-native --verbose');
  }
  return info;
}

function writeStatus(pkgDir, status) {
  if (pkgDir && fs.existsSync(pkgDir))
    fs.writeFileSync(path.join(pkgDir, STATUS_FILE), `${JSON.stringify(status, null, 2)}\n`);
}

/** A previous successful build whose addon still loads is kept: reinstalls stay fast. */
function alreadyBuilt(pkgName, pkgDir, gpu) {
  try {
    const prev = JSON.parse(fs.readFileSync(path.join(pkgDir, STATUS_FILE), 'utf8'));
    if (!prev.ok || prev.flavor !== (gpu ? 'gpu' : 'cpu') || !prev.tensorflow?.startsWith(TF_VERSION)) return undefined;
    const info = verify(pkgName, pkgDir);
    return info.tensorflow === prev.tensorflow ? prev : undefined;
  } catch {
    return undefined;
  }
}

async function setupOne(pkgName, pkgDir, repoRoot, gpu, rebuild) {
  const t0 = Date.now();
  const prev = rebuild ? undefined : alreadyBuilt(pkgName, pkgDir, gpu);
  if (prev) {
    log(`ready: ${pkgName} on TensorFlow ${prev.tensorflow} (${prev.flavor}), built earlier from ${prev.source}`);
    return prev;
  }
  let tf;
  let cudaDirs = [];
  if (gpu) {
    tf = findInstalledTensorFlow(repoRoot, true);
    if (!tf) {
      throw new SetupError(
        'locate',
        `no Python tensorflow==${TF_VERSION} with CUDA found for the GPU build`,
        `python3 -m pip install 'tensorflow[and-cuda]==${TF_VERSION}' && npx tfscale setup-native --gpu`,
      );
    }
    const nvidia = path.join(path.dirname(tf.libDir), 'nvidia');
    if (fs.existsSync(nvidia)) {
      cudaDirs = fs
        .readdirSync(nvidia)
        .map((d) => path.join(nvidia, d, 'lib'))
        .filter((d) => fs.existsSync(d));
    }
  } else {
    tf = findInstalledTensorFlow(repoRoot, false) || (await fromWheel());
  }
  log(`building ${pkgName} against TensorFlow ${tf.version} (${tf.source})`);
  stage(pkgDir, tf, cudaDirs);
  build(pkgDir);
  const info = verify(pkgName, pkgDir);
  const status = {
    ok: true,
    package: pkgName,
    flavor: gpu ? 'gpu' : 'cpu',
    tensorflow: info.tensorflow,
    source: tf.source,
    seconds: (Date.now() - t0) / 1000,
    at: new Date().toISOString(),
  };
  writeStatus(pkgDir, status);
  log(`ready: ${pkgName} on TensorFlow ${info.tensorflow} (${status.flavor}) in ${status.seconds.toFixed(1)} s`);
  return status;
}

/** node-gyp's CLI: a local install, else the one npm bundles (what node-pre-gyp uses too). */
function nodeGypBin(from) {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js', { paths: [from] });
  } catch {}
  const npmDirs = [
    process.env.npm_execpath && path.resolve(path.dirname(process.env.npm_execpath), '..'),
    path.resolve(process.execPath, '..', '..', 'lib', 'node_modules', 'npm'),
    '/usr/lib/node_modules/npm',
    '/usr/local/lib/node_modules/npm',
  ].filter(Boolean);
  for (const dir of npmDirs) {
    const bin = path.join(dir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (fs.existsSync(bin)) return bin;
  }
  return undefined;
}

/**
 * Builds one target of native/binding.gyp (configure, then `node-gyp build <target>`, so one
 * target's failure does not take the others down). Returns why it failed, or undefined.
 * `tfDir` is the staged TensorFlow (`deps/`), which only tfscale_graph links.
 */
function buildTarget(sdkDir, target, tfDir) {
  const nativeDir = path.join(sdkDir, 'native');
  if (!fs.existsSync(path.join(nativeDir, 'binding.gyp'))) return `no ${nativeDir}/binding.gyp`;
  const gyp = nodeGypBin(sdkDir);
  const dir = nodeDir();
  if (!gyp || !dir) return gyp ? 'no Node.js headers found for node-gyp' : 'node-gyp not found';
  // A stale addon must not pass for a fresh one when this build fails.
  fs.rmSync(path.join(nativeDir, 'build', 'Release', `${target}.node`), { force: true });
  const env = { ...process.env, npm_config_nodedir: dir, JOBS: String(os.cpus().length) };
  for (const args of [
    ['configure', ...(tfDir ? [`--tf_dir=${tfDir}`] : [])],
    ['build', target],
  ]) {
    const r = run(process.execPath, [gyp, ...args], { cwd: nativeDir, env });
    if (r.error || r.status !== 0) {
      const logFile = path.join(nativeDir, 'build', `${target}-build.log`);
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      fs.writeFileSync(logFile, `${r.stdout || ''}\n${r.stderr || ''}`);
      // The compiler's first error says more than gyp's closing `not ok`.
      const why = `${r.stdout || ''}\n${r.stderr || ''}`
        .split('\n')
        .find((l) => /error/i.test(l) && !/gyp ERR!/.test(l));
      return `node-gyp ${args[0]} of ${target} failed (log: ${logFile}): ${(why || lastLine(r.stderr) || r.error?.message || '').trim()}`;
    }
  }
  return undefined;
}

/**
 * Builds tfscale's TensorFlow addon (native/tfscale_graph.cc, the compiled train step, and
 * serving_session.cc, SavedModel runs off the JS thread) against the TensorFlow libraries just
 * staged for tfjs-node, and checks that it loads. Records the outcome as `compiledStep` in the
 * tfjs-node status; a failure only means training runs eagerly and serving uses tfjs-node's binding.
 */
function buildGraphAddon(sdkDir, pkgDir) {
  const addon = path.join(sdkDir, 'native', 'build', 'Release', 'tfscale_graph.node');
  const fail = (reason) => ({ ok: false, reason, fix: 'npx tfscale setup-native --verbose' });
  const failed = buildTarget(sdkDir, 'tfscale_graph', fs.realpathSync(path.join(pkgDir, 'deps')));
  if (failed) return fail(failed);
  const probe = run(process.execPath, ['-e', `console.log(require(${JSON.stringify(addon)}).tensorflowVersion)`], {
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  if (probe.status !== 0) return fail(`the compiled-step addon does not load: ${lastLine(probe.stderr)}`);
  return { ok: true, addon, tensorflow: (probe.stdout || '').trim() };
}

/** Whether a built addon is at least as new as every source file of the native folder. */
function newerThanSources(addon, sdkDir) {
  if (!fs.existsSync(addon)) return false;
  const built = fs.statSync(addon).mtimeMs;
  const dir = path.join(sdkDir, 'native');
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(cc|h|gyp)$/.test(f))
    .every((f) => fs.statSync(path.join(dir, f)).mtimeMs <= built);
}

/** Adds the compiled-step addon to a successful tfjs-node build (again when its sources changed). */
function withGraphAddon(status, pkgDir, rebuild) {
  if (!status.ok || status.flavor !== 'cpu') return status;
  const sdkDir = path.resolve(__dirname, '..');
  if (!rebuild && status.compiledStep?.ok && newerThanSources(status.compiledStep.addon ?? '', sdkDir)) return status;
  const compiledStep = buildGraphAddon(sdkDir, pkgDir);
  const next = { ...status, compiledStep };
  writeStatus(pkgDir, next);
  log(
    compiledStep.ok
      ? `ready: compiled train step and SavedModel serving addon (TensorFlow ${compiledStep.tensorflow})`
      : `compiled train step unavailable (training runs eagerly): ${compiledStep.reason}`,
  );
  return next;
}

/**
 * Builds the REST reader's number scanner (native/json_numbers.cc, no TensorFlow) unless a
 * loading build newer than its source is there. A failure only means REST bodies parse in JS.
 */
function buildJsonAddon(sdkDir, tfPkgDir, rebuild) {
  const source = path.join(sdkDir, 'native', 'json_numbers.cc');
  const addon = path.join(sdkDir, 'native', 'build', 'Release', 'tfscale_json.node');
  const loads = () =>
    run(process.execPath, ['-e', `if(typeof require(${JSON.stringify(addon)}).scan!=='function')process.exit(1)`])
      .status === 0;
  const fresh = () => fs.existsSync(addon) && fs.statSync(addon).mtimeMs >= fs.statSync(source).mtimeMs;
  if (!fs.existsSync(source)) return;
  if (!rebuild && fresh() && loads()) return log('ready: REST JSON number scanner (built earlier)');
  // The staged TensorFlow, when there is one, keeps the configured tree good for tfscale_graph too.
  const deps = tfPkgDir && path.join(tfPkgDir, 'deps', 'lib');
  const tfDir = deps && fs.existsSync(deps) ? fs.realpathSync(path.dirname(deps)) : undefined;
  const failed = buildTarget(sdkDir, 'tfscale_json', tfDir);
  const why = failed || (loads() ? undefined : 'the built tfscale_json.node does not load');
  log(
    why
      ? `REST JSON number scanner unavailable (request bodies parse in JS, slower): ${why}. Fix: npx tfscale setup-native --verbose`
      : 'ready: REST JSON number scanner',
  );
}

/**
 * Builds the native backend; resolves to the status written beside each package.
 * @example
 *   await require('@tfscale/sdk/scripts/setup-native.js').setupNative({ gpu: false });
 */
async function setupNative(opts = {}) {
  const sdkDir = path.resolve(__dirname, '..');
  const repoRoot = opts.repoRoot || findRepoRoot(sdkDir);
  // TFSCALE_NATIVE_ROOT: build the packages installed in another project instead of ours.
  const from = process.env.TFSCALE_NATIVE_ROOT || sdkDir;
  const cpuDir = resolvePackageDir('@tensorflow/tfjs-node', from);
  const gpuDir = resolvePackageDir('@tensorflow/tfjs-node-gpu', from);
  const targets = [];
  if (cpuDir) targets.push(['@tensorflow/tfjs-node', cpuDir, false]);
  if (gpuDir && (opts.gpu ?? hasGpu())) targets.push(['@tensorflow/tfjs-node-gpu', gpuDir, true]);
  // Ours only: not when building another project's packages.
  if ((process.env.TFSCALE_SKIP_NATIVE !== '1' || opts.force) && !process.env.TFSCALE_NATIVE_ROOT)
    buildJsonAddon(sdkDir, cpuDir, opts.force);
  if (targets.length === 0) {
    console.log(
      '[tfscale] native TensorFlow backend not available: @tensorflow/tfjs-node is not installed. Falling back to WASM. Fix: npm install @tensorflow/tfjs-node@4.22.0 --no-save && npx tfscale setup-native',
    );
    return [];
  }
  if (process.env.TFSCALE_SKIP_NATIVE === '1' && !opts.force) {
    const status = {
      ok: false,
      step: 'skip',
      reason: 'skipped because TFSCALE_SKIP_NATIVE=1',
      fix: 'npx tfscale setup-native',
    };
    for (const [, dir] of targets) writeStatus(dir, status);
    console.log(
      `[tfscale] native TensorFlow backend not built: ${status.reason}. Falling back to WASM. Fix: ${status.fix}`,
    );
    return [status];
  }
  const results = [];
  for (const [name, dir, gpu] of targets) {
    try {
      results.push(withGraphAddon(await setupOne(name, dir, repoRoot, gpu, opts.force), dir, opts.force));
    } catch (err) {
      const status = {
        ok: false,
        package: name,
        step: err.step || 'unknown',
        reason: err.message,
        fix: err.fix || 'npx tfscale setup-native',
        at: new Date().toISOString(),
      };
      writeStatus(dir, status);
      results.push(status);
      if (opts.verbose && err.stack) console.error(err.stack);
      console.log(
        `[tfscale] native TensorFlow backend not built (${name}): ${status.reason}. Falling back to WASM. Fix: ${status.fix}`,
      );
    }
  }
  return results;
}

function findRepoRoot(from) {
  let dir = from;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).workspaces) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.env.INIT_CWD;
    dir = up;
  }
}

module.exports = { setupNative, STATUS_FILE, TF_VERSION };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const opts = { verbose: argv.includes('--verbose'), force: argv.includes('--force') };
  if (argv.includes('--gpu')) opts.gpu = true;
  if (argv.includes('--cpu-only')) opts.gpu = false;
  setupNative(opts).then(
    (results) => {
      process.exitCode = argv.includes('--strict') && results.some((r) => !r.ok) ? 1 : 0;
    },
    (err) => {
      console.log(
        `[tfscale] native TensorFlow backend not built: ${err.message}. Falling back to WASM. Fix: npx tfscale setup-native --verbose`,
      );
    },
  );
}
