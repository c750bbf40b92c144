// Lists the files the image build sees: the repository as .dockerignore filters it, with the
// rules Docker applies (patterns relative to the context root, `*` within one path segment, `**`
// across segments, `!` letting back in, the last matching rule deciding, a pattern that matches a
// folder applying to all it holds).
//   node scripts/docker-context.mjs    prints them, one a line
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './ensure.mjs';

function toRegExp(pattern) {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches no folder or any number of them; a trailing `**` matches anything.
      if (pattern[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function readDockerignore(file = join(root, '.dockerignore')) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
      const literal = pattern.split(/[*?[]/)[0];
      return { negated, pattern, regExp: toRegExp(pattern), literal };
    });
}

/** Whether a rule matches the path or one of the folders above it. */
function matches(rule, path) {
  const parts = path.split('/');
  for (let i = parts.length; i > 0; i--) if (rule.regExp.test(parts.slice(0, i).join('/'))) return true;
  return false;
}

function excluded(rules, path) {
  let out = false;
  for (const rule of rules) if (matches(rule, path)) out = !rule.negated;
  return out;
}

/** Whether a rule after the ones excluding `dir` could let something inside it back in. */
function mayReinclude(rules, dir) {
  let last = -1;
  rules.forEach((rule, i) => {
    if (!rule.negated && matches(rule, dir)) last = i;
  });
  return rules.slice(last + 1).some((rule) => rule.negated && (rule.literal.startsWith(`${dir}/`) || `${dir}/`.startsWith(rule.literal) || rule.literal === ''));
}

/** Paths (relative, with /) of every file in the build context. */
export function dockerContextFiles(contextRoot = root, rules = readDockerignore(join(contextRoot, '.dockerignore'))) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(contextRoot, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!excluded(rules, path) || mayReinclude(rules, path)) walk(path);
      } else if (!excluded(rules, path)) files.push(path);
    }
  };
  walk('');
  return files.sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(dockerContextFiles().map((f) => `${f}\n`).join(''));
