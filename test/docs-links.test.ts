import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const docs = [
  'README.md',
  'bench/README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown outside fenced code blocks, with inline code spans blanked (a `[x](y)` there is not a link). */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').map((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return fenced || line.startsWith('```') ? '' : line.replace(/`[^`]*`/g, '``');
  });
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces → '-', repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const base = (heading[1] ?? '')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Every relative link of `file` (repository-relative) whose file or #anchor does not exist, as "line: target". */
function brokenLinks(file: string, markdown: string, read = (path: string) => readFileSync(path, 'utf8')): string[] {
  const broken: string[] = [];
  prose(markdown).forEach((line, i) => {
    for (const [, target = ''] of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z][a-z+.-]*:/i.test(target)) continue;
      const [path = '', anchor] = target.split('#', 2);
      const absolute = path === '' ? join(root, file) : resolve(root, dirname(file), decodeURIComponent(path));
      if (!existsSync(absolute)) {
        broken.push(`${i + 1}: ${target} (no ${relative(root, absolute)})`);
      } else if (anchor !== undefined) {
        const text = path === '' ? markdown : statSync(absolute).isFile() ? read(absolute) : '';
        if (!anchorsOf(text).has(anchor)) broken.push(`${i + 1}: ${target} (no heading #${anchor})`);
      }
    }
  });
  return broken;
}

/** Whether `path` exists; a `*` in its last part must match at least one file (`web/src/lib/chart-*.ts`). */
function exists(path: string): boolean {
  if (!path.includes('*')) return existsSync(join(root, path));
  const name = new RegExp(
    `^${path
      .slice(path.lastIndexOf('/') + 1)
      .replace(/[.]/g, '\\.')
      .replace(/\*/g, '.*')}$`,
  );
  const folder = join(root, dirname(path));
  return existsSync(folder) && readdirSync(folder).some((file) => name.test(file));
}

describe('the documentation links', () => {
  it('finds a broken file link and a broken anchor (the check itself)', () => {
    const sample = [
      '[ok](docs/security.md#dns-rebinding)',
      '[gone](docs/nowhere.md)',
      '[bad](docs/security.md#no-such-part)',
      '`[code](not/a/link.md)`',
      '[self](#sample)',
      '# Sample',
    ].join('\n');
    expect(brokenLinks('README.md', sample)).toEqual([
      '2: docs/nowhere.md (no docs/nowhere.md)',
      '3: docs/security.md#no-such-part (no heading #no-such-part)',
    ]);
  });

  it('gives headings the anchors GitHub gives them', () => {
    expect([
      ...anchorsOf('# Check pipeline: `npm run bench:checks`\n## Targets Vigil will not check (SSRF)\n## Restarts and kill -9\n## Bounds\n## Bounds'),
    ]).toEqual(['check-pipeline-npm-run-benchchecks', 'targets-vigil-will-not-check-ssrf', 'restarts-and-kill--9', 'bounds', 'bounds-1']);
  });

  it.each(docs)('%s links only to files and headings that exist', (file) => {
    expect(brokenLinks(file, readFileSync(join(root, file), 'utf8'))).toEqual([]);
  });

  it('reads a glob as "some file matches it"', () => {
    expect([exists('web/src/lib/chart-*.ts'), exists('web/src/lib/nothing-*.ts'), exists('server/vigil.ts')]).toEqual([true, false, true]);
  });

  it('docs/architecture.md names only paths that exist', () => {
    const text = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
    const named = text.match(/\b(?:server|web|db|test|bench|scripts)\/[\w./*-]*[\w/*]/g) ?? [];
    const paths = [...new Set(named)].filter((path) => !path.startsWith('web/dist')); // built, not kept
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((path) => !exists(path))).toEqual([]);
  });

  it('keeps the README a front door (at most 20 KB; the rest lives in docs/)', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThanOrEqual(20 * 1024);
  });
});
