import { operatorCommand } from '../../cli/commands/operator.js';

// The image's entry point. It answers to `sftoken operator [flags]` like the
// full CLI, so a Deployment's args are the same for both, but it imports only
// the operator: the sandbox, the demo and the control-plane harness (and their
// dev dependencies) stay out of the image.
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === operatorCommand.name) return operatorCommand.run(rest);
  const known = name === undefined || name === 'help' || name === '--help' || name === '-h';
  const out = known ? process.stdout : process.stderr;
  if (!known) out.write(`sftoken: unknown command "${name}" (this image runs only the operator)\n\n`);
  out.write(`usage: sftoken operator [flags]\n\n  ${operatorCommand.name}  ${operatorCommand.summary}\n\nsftoken operator --help lists the flags.\n`);
  return known ? 0 : 2;
}

process.exitCode = await main(process.argv.slice(2));
