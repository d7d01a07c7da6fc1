#!/usr/bin/env node
// The command-line tools, compiled with the provider so that they run from the image too:
//   node dist/cli.js keys generate <file> [--force]       (npm run keys:generate -- …)
//   node dist/cli.js keys rotate <file> [--in <duration>] (npm run keys:rotate -- …)
//   node dist/cli.js keys retire <file> [--after <duration>] [--dry-run]
//   node dist/cli.js certs issue --orgno <orgno> --out <dir> [--days N]
//   node dist/cli.js token jwt-bearer --client … --scope … --key … (--chain … | --kid …)
//   node dist/cli.js testid [count]
//   node dist/cli.js conformance config --issuer <https URL> [--suite <URL>] [--alias <alias>] [--out <dir>]
// Each command is a module of src/cli/ with a main(argv); nothing here starts the provider.
const commands: Record<string, () => Promise<{ main(argv: string[]): Promise<void> }>> = {
  'keys generate': () => import('./cli/keys-generate.js'),
  'keys rotate': () => import('./cli/keys-rotate.js'),
  'keys retire': () => import('./cli/keys-retire.js'),
  'certs issue': () => import('./cli/certs-issue.js'),
  'token jwt-bearer': () => import('./cli/jwt-bearer-token.js'),
  testid: () => import('./cli/testid.js'),
  'conformance config': () => import('./cli/conformance-config.js'),
};

const argv = process.argv.slice(2);
const name = [argv.slice(0, 2).join(' '), argv[0] ?? ''].find((candidate) => candidate in commands);
if (name === undefined) {
  process.stderr.write(`usage: node dist/cli.js <command> [arguments]\ncommands:\n${Object.keys(commands).map((command) => `  ${command}`).join('\n')}\n`);
  process.exit(64);
}
const { main } = await commands[name]!();
await main(argv.slice(name.split(' ').length));
