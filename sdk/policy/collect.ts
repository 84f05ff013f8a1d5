/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks` and writes the resources it registers (type, name,
 * inputs) as JSON. Run as `node collect.js <request.json>`: it loads `@pulumi/pulumi` from the program's own
 * directory, as the engine would. At preview, outputs not known yet reach dependents as the engine's
 * unknown value; otherwise this package's resources get plausible outputs (an HSM's `hsmUri`, a key's `kid`).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import fs from "node:fs";
import path from "node:path";

interface Request {
  program: string;
  preview: boolean;
  config: Record<string, string>;
  project: string;
  stack: string;
  resultPath: string;
}

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const req = JSON.parse(fs.readFileSync(process.argv[2]!, "utf8")) as Request;
process.env.PULUMI_CONFIG = JSON.stringify(req.config);
const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [path.dirname(req.program)] }));

function toWire(value: unknown): unknown {
  if (value && typeof value === "object" && (value as object).constructor?.name === "Unknown") return UNKNOWN;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([k, v]) => v !== undefined && k !== "__provider").map(([k, v]) => [k, toWire(v)]));
  return value;
}

/** What this package's resources would output, so that dependents see realistic values without a service. */
function mockOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type.endsWith("mhsm:ManagedHsm")) {
    const hsmName = (inputs.name as string | undefined) ?? `${name}-mock`;
    return { name: hsmName, hsmUri: `https://${hsmName.toLowerCase()}.managedhsm.azure.net/`, provisioningState: "Succeeded" };
  }
  if (type.endsWith("mhsm:HsmKey")) {
    const keyName = (inputs.name as string | undefined) ?? `${name}-mock`;
    return { name: keyName, kid: `${String(inputs.hsmUri)}keys/${keyName}/00000000000000000000000000000000`, version: "00000000000000000000000000000000" };
  }
  return {};
}

const resources: { type: string; name: string; urn: string; props: unknown }[] = [];

async function main(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      call: () => ({}),
      newResource: (args: { type: string; name: string; inputs: Record<string, unknown> }) => {
        const props = toWire(args.inputs) as Record<string, unknown>;
        resources.push({ type: args.type, name: args.name, urn: `urn:pulumi:${req.stack}::${req.project}::${args.type}::${args.name}`, props });
        return { id: req.preview ? undefined : `${args.name}-id`, state: req.preview ? args.inputs : { ...args.inputs, ...mockOutputs(args.type, args.name, props) } };
      },
    },
    req.project,
    req.stack,
    req.preview,
  );
  require(req.program);
  await pulumi.runtime.disconnect();
}

main().then(
  () => {
    fs.writeFileSync(req.resultPath, JSON.stringify({ resources }));
    process.exit(0);
  },
  (err: unknown) => {
    fs.writeFileSync(req.resultPath, JSON.stringify({ resources, error: err instanceof Error ? err.message : String(err) }));
    process.exit(1);
  },
);
