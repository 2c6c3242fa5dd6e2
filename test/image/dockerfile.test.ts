import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';

const run = promisify(execFile);

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile as stages of instructions: continuation lines joined, comments dropped. */
function stages(dockerfile: string): Instruction[][] {
  const result: Instruction[][] = [];
  for (const line of dockerfile.replace(/\\\n/g, ' ').split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const instruction = { keyword: match[1], args: match[2].trim() };
    if (instruction.keyword === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

/** Each stage's FROM with the global ARG defaults put in: the images a build without --build-arg uses. */
function defaultBaseImages(dockerfile: string): string[] {
  const defaults = new Map([...dockerfile.matchAll(/^ARG\s+(\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  return [...dockerfile.matchAll(/^FROM\s+(.+)$/gm)].map((m) =>
    String(m[1]).replace(
      /\$\{(\w+)\}/g,
      (_, name: string) => defaults.get(name) ?? `<no default for ${name}>`,
    ),
  );
}

const args = (stage: Instruction[], keyword: string) =>
  stage.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('the container image (Dockerfile, checked statically)', async () => {
  const dockerfile = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
  const all = stages(dockerfile);
  const [build = [], final = []] = all;
  const packageJson = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'));

  it('builds in two stages and runs on distroless Node 24 unless told other base images', () => {
    expect(all).toHaveLength(2);
    const [buildFrom, finalFrom] = defaultBaseImages(dockerfile);
    expect(buildFrom).toMatch(/^node:24-\S+ AS build$/);
    expect(finalFrom).toMatch(/^gcr\.io\/distroless\/nodejs24-\S+:nonroot$/);
  });

  it('runs as a numeric non-root user, both commands through one entrypoint', () => {
    expect(args(final, 'USER')).toEqual(['65532:65532']);
    expect(args(final, 'ENTRYPOINT')).toEqual(['["/nodejs/bin/node", "/app/dist/cli.js"]']);
  });

  it('keeps only production dependencies and the compiled output', () => {
    expect(args(build, 'RUN').join('\n')).toMatch(/npm prune --omit=dev/);
    expect(args(final, 'COPY')).toEqual([
      '--from=build /app/package.json ./',
      '--from=build /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist',
    ]);
  });

  it('carries the OCI labels, with the package version', () => {
    const labels = Object.fromEntries(
      [
        ...args(final, 'LABEL')
          .join(' ')
          .matchAll(/(org\.opencontainers\.image\.\w+)="([^"]*)"/g),
      ].map((m) => [m[1], m[2]]),
    );
    expect(labels).toMatchObject({
      'org.opencontainers.image.title': packageJson.name,
      'org.opencontainers.image.version': packageJson.version,
      'org.opencontainers.image.licenses': packageJson.license,
      'org.opencontainers.image.source': expect.stringMatching(/^https:\/\//),
    });
  });
});

// What the image's build stage does, without a container engine: install production dependencies from the
// lockfile, compile, and run the CLI from that folder only.
describe('the image contents (production install + compiled output)', () => {
  let app: string;
  beforeAll(async () => {
    app = await mkdtemp(join(tmpdir(), 'image-'));
    for (const file of ['package.json', 'package-lock.json']) await cp(join(repoRoot, file), join(app, file));
    await run(
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
      {
        cwd: app,
      },
    );
    await run(process.execPath, [
      join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(repoRoot, 'tsconfig.build.json'),
      '--outDir',
      join(app, 'dist'),
    ]);
  }, 180_000);
  afterAll(() => rm(app, { recursive: true, force: true }));

  it('holds no development dependency and no test', async () => {
    const installed = await readdir(join(app, 'node_modules'), { recursive: true });
    for (const tool of ['vitest', 'typescript', '@biomejs', 'newman', 'fast-check'])
      expect(installed).not.toContain(tool);
    expect(installed).toContain('ldapts');
    const compiled = await readdir(join(app, 'dist'), { recursive: true });
    expect(compiled.filter((f) => f.endsWith('.test.js'))).toEqual([]);
  });

  it('runs the CLI: `preview` renders the contoso example', async () => {
    const contoso = join(repoRoot, 'examples', 'contoso');
    const { stdout } = await run(
      process.execPath,
      [join(app, 'dist', 'cli.js'), 'preview', '-f', contoso, '--user', join(contoso, 'user.json')],
      { cwd: app },
    );
    expect(stdout).toMatch(/^dn: uid=britta\.simon,dc=contoso,dc=lab$/m);
  });

  it.each(['operator', 'listener'])('knows the `%s` command', async (command) => {
    const { stdout } = await run(process.execPath, [join(app, 'dist', 'cli.js'), command, '--help'], {
      cwd: app,
    });
    expect(stdout).toContain(`scim-ldap ${command}`);
  });
});
