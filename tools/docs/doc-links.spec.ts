import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** READMEs, docs/*.md and the example unit file: what a user reads. */
function documents(): string[] {
  const pkgs = fs.readdirSync(path.join(ROOT, 'packages')).map((p) => `packages/${p}/README.md`);
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .map((f) => `docs/${f}`)
    .filter((f) => /\.(md|service)$/.test(f));
  return ['README.md', ...pkgs, ...docs].filter((f) => fs.existsSync(path.join(ROOT, f)));
}

describe('documentation links', () => {
  it('point at files that exist: relative markdown links and repository paths', () => {
    const broken: string[] = [];
    for (const doc of documents()) {
      const text = fs.readFileSync(path.join(ROOT, doc), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target) || target.startsWith('#')) continue;
        const file = path.join(ROOT, path.dirname(doc), target.split('#')[0]);
        if (!fs.existsSync(file)) broken.push(`${doc}: ${target}`);
      }
      // A link into the repository on a forge (blob/tree/main/<path>) must name a path we have.
      for (const [, target] of text.matchAll(/\/(?:blob|tree)\/main\/([^\s)#"'`]+)/g))
        if (!fs.existsSync(path.join(ROOT, target))) broken.push(`${doc}: ${target}`);
    }
    expect(broken).toEqual([]);
  });
});
