/**
 * The dependency rule of gitgrant (docs/architecture.md), checked in `npm test` by
 * test/unit/architecture/layers.test.ts. Layers point inward:
 * core (pure) <- adapters (all I/O) <- app (one use case per file) <- cli (argv, env, stdout, exit codes).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'The core imports only the core: no adapters, app or CLI.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(adapters|app|cli)/' },
    },
    {
      name: 'core-has-no-io',
      comment: 'The core does no I/O: no processes, network, workers or cloud/GitHub SDKs.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: {
        path: '^(node:)?(child_process|net|http|https|worker_threads|dgram|tls)$|@aws-sdk/|@google-cloud/|google-auth-library|@octokit/|^zx$|@actions/',
      },
    },
    {
      name: 'core-reads-only-its-schemas',
      comment: 'The core reads no files but the JSON Schemas it ships (loaded once, or precompiled into the bundle).',
      severity: 'error',
      from: { path: '^src/core/', pathNot: '^src/core/model/(ajv-setup|schema-files|write-validators)\\.ts$' },
      to: { path: '^(node:)?fs(/promises)?$' },
    },
    {
      name: 'adapters-below-app',
      comment: 'Adapters never import the app or the CLI.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(app|cli)/' },
    },
    {
      name: 'app-below-cli',
      comment: 'Use cases never import the CLI.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'commands-are-leaves',
      comment: 'A CLI command never imports another command: what two share lives in app/ or cli/support/.',
      severity: 'error',
      from: { path: '^src/cli/commands/', pathNot: '^src/cli/commands/index\\.ts$' },
      to: { path: '^src/cli/commands/' },
    },
    {
      name: 'one-git-runner',
      comment: 'Exactly one module starts git; everything else asks it. The sandbox starts moto, the GitHub client `gh auth token`.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/git/run\\.ts$|^src/adapters/sandbox/|^src/adapters/github/client\\.ts$' },
      to: { path: '^(node:)?child_process$|^zx$' },
    },
    {
      name: 'no-test-tooling-in-src',
      comment: 'Shipped code never imports test tooling.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      comment: 'No import cycle between files (type-only imports, erased at build, excepted).',
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
