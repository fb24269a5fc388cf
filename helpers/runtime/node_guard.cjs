// The workbook's safety guard for Node.js: loaded by node_client.mjs in every nodejs*.x execution environment, and
// by every Node.js program a handler starts (helpers/guard_proxy.py puts `--require <this file>` in NODE_OPTIONS).
// It is helpers/guard.py's twin. The handler may use any HTTP library (an AWS SDK it bundled, fetch, https, net), so
// it sits at the bottom: every TCP or TLS connection (net.Socket's connect, which net, tls, http, https and fetch
// all end in) is refused before it is made unless its host is this machine's loopback (127.0.0.0/8, ::1,
// localhost), or a host that is not AWS's listed in LAMBDA_WORKBOOK_ALLOW_HOSTS (comma-separated names, each with
// its subdomains, or addresses, or * for any). AWS host names (AWS_DOMAINS, the same list as guard.py's) and the
// instance-metadata addresses are never reached. Unix sockets and named pipes are untouched. Like guard.py, it
// stops accidents, not a program that means to get out (a native addon, `node` started without NODE_OPTIONS).
// Node's standard library only; installing it twice is harmless.
'use strict';

const net = require('node:net');
const tls = require('node:tls');

const env = process.env;
const INSTALLED = Symbol.for('lambda-workbook.safety-guard');

const GUARD = 'lambda-workbook safety guard';
const ALLOW_VARIABLE = 'LAMBDA_WORKBOOK_ALLOW_HOSTS';
const AWS_DOMAINS = ['amazonaws.com', 'amazonaws.com.cn', 'amazonaws.eu', 'amazonwebservices.com', 'aws', 'api.aws',
  'on.aws', 'aws.amazon.com', 'awsapps.com', 'amazoncognito.com', 'c2s.ic.gov', 'sc2s.sgov.gov', 'cloud.adc-e.uk',
  'csp.hci.ic.gov'];
const AWS_METADATA_ADDRESSES = ['169.254.169.254', '169.254.170.2', '169.254.170.23', 'fd00:ec2::254', 'fd00:ec2::23'];

function normaliseHost(host) {
  return String(host || '').trim().replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function canonicalIPv6(host) {
  try { return new URL(`http://[${host.split('%')[0]}]/`).hostname.replace(/^\[|\]$/g, ''); } catch { return host; }
}

function isLoopback(host) {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  if (net.isIPv6(host.split('%')[0])) {
    const canonical = canonicalIPv6(host);
    return canonical === '::1' || /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(canonical);
  }
  return false;
}

function isAwsHost(host) {
  if (net.isIP(host.split('%')[0])) {
    let canonical = net.isIPv6(host.split('%')[0]) ? canonicalIPv6(host) : host;
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical); // IPv4-mapped, as URL writes it
    if (mapped) {
      const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
      canonical = [high >> 8, high & 255, low >> 8, low & 255].join('.');
    }
    return AWS_METADATA_ADDRESSES.includes(canonical);
  }
  return AWS_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

function isAllowed(host) {
  const entries = (env[ALLOW_VARIABLE] || '').split(/[,;]/).map((raw) => raw.trim())
    .map((entry) => (entry === '*' ? entry : normaliseHost(entry.replace(/^\*?\.?/, '')))).filter(Boolean);
  if (entries.includes('*')) return true;
  if (net.isIP(host.split('%')[0])) return entries.includes(host);
  return entries.some((entry) => host === entry || host.endsWith(`.${entry}`));
}

/** Why a connection to host is refused (the guard's message), or null when it may be made. */
function refusal(rawHost) {
  const host = normaliseHost(rawHost);
  if (isLoopback(host)) return null;
  if (isAwsHost(host)) {
    return `${GUARD}: refused a connection to ${rawHost}: it is an AWS host, and nothing in this workbook may reach `
      + `real AWS (not even a host listed in ${ALLOW_VARIABLE}). Use the local AWS instead: the AWS SDKs find it `
      + 'through AWS_ENDPOINT_URL.';
  }
  if (isAllowed(host)) return null;
  return `${GUARD}: refused a connection to ${rawHost}: only this machine (127.0.0.1, ::1, localhost) may be `
    + `reached. To let a host that is not AWS's through, list it in the environment variable ${ALLOW_VARIABLE} `
    + '(e.g. LAMBDA_WORKBOOK_ALLOW_HOSTS=example.com) before starting the local AWS.';
}

/** The host a connect call names: (options[, cb]), (port[, host][, cb]), (path[, cb]) or Node's normalised
 * [options, cb]; null for a Unix socket or named pipe. */
function guardedHost(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') {
    if (first.path !== undefined && first.path !== null) return null;
    return first.host || first.hostname || first.servername || 'localhost';
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return null; // a path
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

function guardedCall(original) {
  return function guarded(...args) {
    const host = guardedHost(args);
    const message = host === null ? null : refusal(host);
    if (message) {
      const error = new Error(message);
      error.code = 'ECONNREFUSED';
      throw error;
    }
    return original.apply(this, args);
  };
}

function installGuard() {
  if (globalThis[INSTALLED]) return;
  globalThis[INSTALLED] = true;
  net.Socket.prototype.connect = guardedCall(net.Socket.prototype.connect);
  for (const [module, names] of [[net, ['connect', 'createConnection']], [tls, ['connect']]]) {
    for (const name of names) module[name] = guardedCall(module[name]);
  }
}

installGuard();
module.exports = { refusal, GUARD, AWS_DOMAINS, AWS_METADATA_ADDRESSES };

