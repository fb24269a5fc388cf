// The workbook's Node.js runtime client: the program that runs inside every nodejs*.x execution environment.
//
// It does what AWS's Node.js runtime does inside a Lambda sandbox, talking to the engine only through the Lambda
// Runtime API (AWS_LAMBDA_RUNTIME_API), like client.py does for Python:
//
//   1. patch console.* to write the runtime's text log lines (`<ISO time>\t<request id>\t<LEVEL>\t<message>`);
//   2. load the handler named by _HANDLER from LAMBDA_TASK_ROOT (init); a failure is posted to /runtime/init/error;
//   3. loop: GET /runtime/invocation/next -> handler(event, context) -> POST .../response or .../error.
//
// Started as `node [V8 flags] node_client.mjs [--opt DIR]` (see node.py); Node's standard library only.
//
// What is verified, and against what
// ----------------------------------
// Read in the source of AWS's runtime client, github.com/aws/aws-lambda-nodejs-runtime-interface-client (RIC):
//   * error documents are {"errorType","errorMessage","trace":[stack lines]}; errorType is the error's `name`,
//     or `typeof` the thrown value when it is not an Error (`throw "oops"` -> "string", trace []);
//   * init errors: Runtime.ImportModuleError (message: String(the MODULE_NOT_FOUND error), i.e. "Error: Cannot find
//     module 'index'\nRequire stack:\n- <the runtime's file>"), Runtime.HandlerNotFound ("index.handler is undefined
//     or not exported" / "... is not a function"), Runtime.MalformedHandlerName ("Bad handler"; a handler with ".."),
//     Runtime.UserCodeSyntaxError; any other error thrown while loading keeps its own type (an ES module importing a
//     missing package fails with ERR_MODULE_NOT_FOUND, so its errorType is plain "Error");
//   * the module lookup order (RIC 3.x: extensionless, .js by require unless package.json says "type":"module",
//     .mjs by import, .cjs, then require.resolve; RIC 4.x: "", .js, .mjs, .cjs all by import);
//   * RIC 3.x (nodejs20.x, nodejs22.x) semantics: async handlers and returned promises; callback handlers
//     (event, context, callback) with context.callbackWaitsForEmptyEventLoop; context.succeed/fail/done; a plain
//     synchronous return value is ignored (the answer is null once the event loop is empty); undefined -> null;
//   * RIC 4.x (nodejs24.x on; a comment in its source says so): the handler's result is awaited, sync or not, and
//     a handler declaring 3 or more parameters fails init with Runtime.CallbackHandlerDeprecated;
//   * log lines: "Invoke Error \t{...}" for handler errors, "Uncaught Exception \t{...}" (3.x) / "Init Error \t{...}"
//     (4.x) for init errors, with \n inside one event written as \r; the request id reads "undefined" outside an
//     invocation; an uncaught exception or unhandled rejection during an invocation fails it and exits (129 / 128);
//   * the context object's fields and getRemainingTimeInMillis() = deadline - now (not clamped at 0).
// NOT verified (no AWS recording at hand): the exact errorMessage AWS gives Runtime.NodeJsExit (an async handler
// whose promise never settles once the event loop is empty), and whether AWS's 4.x runtime logs the same text
// lines as 3.x for console.* outside invocations. JSON log format (AWS_LAMBDA_LOG_FORMAT=JSON), response streaming
// and the X-Ray error header are not implemented.
//
// Below 1,769 MB, getRemainingTimeInMillis() also counts the CPU time the handler used as AWS's smaller CPU share
// would take it, as client.py does (the CPU model is helpers/runtime/metering.py), so the handler sees the
// deadline the engine enforces.

import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import util from 'node:util';

const require = createRequire(import.meta.url);
const env = process.env;
const RUNTIME_MAJOR = parseInt((env.AWS_EXECUTION_ENV || '').replace(/^AWS_Lambda_nodejs/, ''), 10)
  || parseInt(process.versions.node, 10);
const RIC4 = RUNTIME_MAJOR >= 24; // which of AWS's runtime clients this runtime's behaviour follows
const MB_PER_VCPU = 1769;
const CALLBACK_REMOVED = 'ERROR: AWS Lambda has removed support for callback-based function handlers starting with '
  + 'Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. '
  + 'For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

// ------------------------------------------------------------------------------------------------ errors

const runtimeErrorClasses = {};

/** A `Runtime.<type>` error. As in AWS's 3.x client, the name is on the class's prototype: the stack starts with
 * it, and the logged JSON does not repeat it as an own property. */
function runtimeError(type, message) {
  if (!runtimeErrorClasses[type]) {
    const named = class extends Error {};
    Object.defineProperty(named, 'name', { value: type });
    named.prototype.name = `Runtime.${type}`;
    runtimeErrorClasses[type] = named;
  }
  return new runtimeErrorClasses[type](message);
}

function isErrorLike(value) {
  return util.types.isNativeError(value) || (value && typeof value.name === 'string'
    && typeof value.message === 'string' && typeof value.stack === 'string');
}

/** The error document posted to the Runtime API. */
function formatError(error) {
  try {
    if (isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: String(error.stack).split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of '
        + 'its message, name, and stack',
      trace: [],
    };
  }
}

/** The error as the runtime logs it: a tab, then JSON with its enumerable properties and its stack as lines. */
function toFormatted(error) {
  const withProperties = (_key, value) => {
    if (!(value instanceof Error)) return value;
    const out = Object.assign({ errorType: value.name, errorMessage: value.message, code: value.code }, value);
    if (typeof value.stack === 'string') out.stack = value.stack.split('\n');
    return out;
  };
  try {
    return '\t' + JSON.stringify(error, withProperties);
  } catch {
    return '\t' + JSON.stringify(formatError(error));
  }
}

function logError(title, error) {
  console.error(title, toFormatted(error instanceof Error ? error : new Error(error)));
}

// ------------------------------------------------------------------------------------------------ logging

let currentRequestId; // undefined outside an invocation, printed as "undefined", as AWS's runtime does

function patchConsole() {
  const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
  const wanted = Math.max(levels.indexOf((env.AWS_LAMBDA_LOG_LEVEL || 'TRACE').toUpperCase()), 0);
  const logger = (level) => (levels.indexOf(level) < wanted ? () => {} : (message, ...params) => {
    const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${util.format(message, ...params)}`;
    process.stdout.write(line.replace(/\n/g, '\r') + '\n');
  });
  console.trace = logger('TRACE');
  console.debug = logger('DEBUG');
  console.info = logger('INFO');
  console.log = console.info;
  console.warn = logger('WARN');
  console.error = logger('ERROR');
  console.fatal = logger('FATAL');
}

// ------------------------------------------------------------------------------------------------ Runtime API

const [apiHost, apiPort] = (() => {
  const address = env.AWS_LAMBDA_RUNTIME_API || '';
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon) || '127.0.0.1', Number(address.slice(colon + 1))];
})();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request to the Runtime API; resolves {status, headers, body}. If the API is gone, so is this environment. */
function api(method, route, body = '', headers = {}) {
  return new Promise((resolve) => {
    const data = Buffer.from(body, 'utf8');
    const request = http.request({
      host: apiHost, port: apiPort, method, agent, path: `/2018-06-01/runtime/${route}`,
      headers: { 'Content-Length': data.length, ...headers },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers,
        body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', () => process.exit(0));
    });
    request.on('error', () => process.exit(0));
    request.end(data);
  });
}

function postError(route, error) {
  const document = formatError(error);
  return api('POST', route, JSON.stringify(document), {
    'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': document.errorType,
  });
}

// ------------------------------------------------------------------------------------------------ init

function folderIsTypeModule(folder) {
  for (;;) {
    if (folder.endsWith('/node_modules')) return false;
    const manifest = path.join(folder, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8'))?.type === 'module';
      } catch {
        return false;
      }
    }
    const parent = path.dirname(folder);
    if (parent === folder) return false;
    folder = parent;
  }
}

const requireIfThere = (file) => (fs.existsSync(file) ? require(file) : undefined);
const importIfThere = async (file) => (fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined);

async function loadModule(appRoot, moduleRoot, name) {
  const base = path.resolve(appRoot, moduleRoot, name);
  try {
    if (RIC4) {
      for (const extension of ['', '.js', '.mjs', '.cjs']) {
        const loaded = await importIfThere(base + extension);
        if (loaded) return loaded;
      }
    } else {
      const typeModule = folderIsTypeModule(path.dirname(base));
      const loaded = requireIfThere(base) || (!typeModule && requireIfThere(base + '.js'))
        || (typeModule && await importIfThere(base + '.js')) || await importIfThere(base + '.mjs')
        || requireIfThere(base + '.cjs');
      if (loaded) return loaded;
    }
    return require(require.resolve(name, { paths: [appRoot, path.join(appRoot, moduleRoot)] }));
  } catch (error) {
    if (error instanceof SyntaxError) {
      const wrapped = runtimeError('UserCodeSyntaxError', String(error));
      if (RIC4) wrapped.stack = error.stack; // 3.x keeps the wrapper's own stack
      throw wrapped;
    }
    if (error?.code === 'MODULE_NOT_FOUND') throw runtimeError('ImportModuleError', String(error));
    throw error; // the module's own error (a throw at top level, a missing ES import...) keeps its type
  }
}

async function loadHandler(appRoot, fullName) {
  if (fullName.includes('..')) {
    throw runtimeError('MalformedHandlerName', `'${fullName}' is not a valid handler name. Use absolute paths `
      + 'when specifying root directories in handler names.');
  }
  const handlerString = path.basename(fullName);
  const moduleRoot = fullName.slice(0, fullName.indexOf(handlerString));
  const match = handlerString.match(/^([^.]*)\.(.*)$/);
  if (!match) throw runtimeError('MalformedHandlerName', 'Bad handler');
  const loaded = await loadModule(appRoot, moduleRoot, match[1]);
  const find = (root) => match[2].split('.').reduce((value, key) => (value ? value[key] : undefined), root);
  let handler = find(loaded);
  if (!handler && RIC4 && loaded && typeof loaded === 'object') handler = find(loaded.default);
  if (!handler) throw runtimeError('HandlerNotFound', `${fullName} is undefined or not exported`);
  if (typeof handler !== 'function') throw runtimeError('HandlerNotFound', `${fullName} is not a function`);
  if (RIC4 && handler.length >= 3) throw runtimeError('CallbackHandlerDeprecated', CALLBACK_REMOVED);
  return handler;
}

// ------------------------------------------------------------------------------------------------ the CPU model

const schedstat = '/proc/self/schedstat'; // Linux: the main thread's CPU time, which is what the engine measures
function cpuMs() {
  try {
    return Number(fs.readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
}
const memoryMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) || MB_PER_VCPU;
const cpuStretch = Math.max(MB_PER_VCPU / memoryMb - 1, 0);

// ------------------------------------------------------------------------------------------------ invoke

let exitListener = null; // what to do when the event loop empties during an invocation (RIC 3.x)
let onUncaught = null; // what an uncaught exception or unhandled rejection does right now

function parseHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new Error(`Cannot parse ${name} as json: ${error}`);
  }
}

function buildContext(headers, callbackContext) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const cpuAtStart = cpuStretch ? cpuMs() : 0;
  return Object.assign(callbackContext, {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis() {
      const stretched = cpuStretch ? (cpuMs() - cpuAtStart) * cpuStretch : 0;
      return Math.floor(deadline - Date.now() - stretched);
    },
  });
}

/** Run one invocation; resolves once its response or error has been posted. */
function invoke(handler, next) {
  return new Promise((resolve) => {
    const { headers } = next;
    const id = headers['lambda-runtime-aws-request-id'];
    currentRequestId = id;
    if (headers['lambda-runtime-trace-id']) env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
    else delete env._X_AMZN_TRACE_ID;
    const route = `invocation/${encodeURIComponent(id)}/`;
    let reported = false;
    const fail = (error) => {
      if (reported) return;
      reported = true;
      exitListener = null;
      logError('Invoke Error', error);
      postError(route + 'error', error).then(resolve);
    };
    const succeed = (result) => {
      if (reported) return;
      let body;
      try {
        body = JSON.stringify(result === undefined ? null : result);
      } catch {
        return fail(RIC4 ? runtimeError('JSONStringifyError', 'Unable to stringify response body')
          : new Error('Unable to stringify response body'));
      }
      reported = true;
      exitListener = null;
      api('POST', route + 'response', body, { 'Content-Type': 'application/json' }).then(resolve);
    };
    onUncaught = (title, error, exitCode) => {
      logError(title, error);
      postError(route + 'error', error).then(() => process.exit(exitCode));
    };

    // RIC 3.x: the callback and context.succeed/fail/done; the first of them to be called wins.
    let called = false;
    let waitForEmptyEventLoop = true;
    const first = (fn) => (...args) => {
      if (!called) {
        called = true;
        fn(...args);
      }
    };
    const done = (error, result) => (error !== undefined && error !== null ? fail(error) : succeed(result));
    const callback = first((error, result) => {
      if (error !== undefined && error !== null) fail(error);
      else if (!waitForEmptyEventLoop) succeed(result);
      else exitListener = () => setImmediate(() => succeed(result));
    });
    const callbackContext = RIC4 ? {} : {
      get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
      set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
      succeed: first((result) => done(null, result)),
      fail: first((error) => done(error === undefined || error === null ? 'handled' : error)),
      done: first(done),
    };

    let returned;
    try {
      const context = buildContext(headers, callbackContext);
      const event = next.body ? JSON.parse(next.body) : {};
      if (RIC4) {
        Promise.resolve(handler(event, context)).then(succeed, fail);
        return;
      }
      // Nothing settled by the time the event loop is empty: an async handler's promise can never settle now (an
      // error); any other handler answers null, whatever it returned.
      const isAsync = handler.constructor?.name === 'AsyncFunction';
      exitListener = () => (isAsync ? fail(runtimeError('NodeJsExit', 'Error: Runtime exited without providing '
        + 'a reason')) : succeed(null));
      returned = handler(event, context, callback);
    } catch (error) {
      callback(error);
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then(callbackContext.succeed, callbackContext.fail);
    }
  });
}

// ------------------------------------------------------------------------------------------------ main

function watchParent() {
  // Exit when the engine's process is gone, even while a handler is busy (POSIX: the parent pid changes).
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 500).unref();
}

function useLayers(optDir) {
  // As AWS's bootstrap sets it unless the function sets its own: layers' node_modules, then the function's code.
  if (env.NODE_PATH) return;
  env.NODE_PATH = [
    ...(optDir ? [`${optDir}/nodejs/node${parseInt(process.versions.node, 10)}/node_modules`,
      `${optDir}/nodejs/node_modules`] : []),
    env.LAMBDA_TASK_ROOT || process.cwd(),
  ].join(path.delimiter);
  require('node:module')._initPaths(); // NODE_PATH is otherwise read only when node starts
}

// ------------------------------------------------------------------------------------------------ the safety guard

// node_guard.cjs (helpers/guard.py's twin): no connection to anything but loopback, unless opted in; never to AWS.
// NODE_OPTIONS usually loaded it already; requiring it again is harmless.
function installGuard() {
  require('./node_guard.cjs');
}

async function main() {
  installGuard();
  const optIndex = process.argv.indexOf('--opt');
  useLayers(optIndex > 0 ? process.argv[optIndex + 1] : null);
  watchParent();
  patchConsole();
  process.on('uncaughtException', (error) => onUncaught('Uncaught Exception', error, 129));
  process.on('unhandledRejection', (reason, promise) => {
    const error = runtimeError('UnhandledPromiseRejection', String(reason));
    Object.assign(error, { reason, promise });
    onUncaught('Unhandled Promise Rejection', error, 128);
  });
  process.on('beforeExit', () => {
    const listener = exitListener;
    exitListener = null;
    if (listener) listener();
  });

  onUncaught = (title, error, exitCode) => {
    logError(title, error);
    postError('init/error', error).then(() => process.exit(exitCode));
  };
  let handler;
  try {
    handler = await loadHandler(env.LAMBDA_TASK_ROOT || process.cwd(), env._HANDLER || '');
  } catch (error) {
    onUncaught(RIC4 ? 'Init Error' : 'Uncaught Exception', error, 129);
    return;
  }
  for (;;) {
    const next = await api('GET', 'invocation/next');
    if (next.status !== 200) process.exit(0); // 410: the environment is shutting down
    await invoke(handler, next);
  }
}

await main();
