import { commands } from './commands/registry.js';

// The CLI entry point: dispatches `sftoken <command> [args]` to the registry.
// Commands own their flags (node:util parseArgs) so this file stays a router.
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    const width = Math.max(...commands.map((c) => c.name.length), 4);
    const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
    const out = name === undefined || name === 'help' || name === '--help' ? process.stdout : process.stderr;
    if (name !== undefined && name !== 'help' && name !== '--help') out.write(`sftoken: unknown command "${name}"\n\n`);
    out.write(`usage: sftoken <command> [flags]\n\ncommands:\n${lines.join('\n')}\n`);
    return out === process.stdout ? 0 : 2;
  }
  return command.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
