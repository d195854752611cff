/** What a process can do, as the registry shows it: declared names, then probed ones. */
export interface CapabilityProbes {
  /** The code sandbox works in this process (bubblewrap found and probed). */
  codeSandbox: boolean;
  llmProvider: string;
  llmModel: string;
}

/** WORKER_CAPABILITIES: a comma list; blanks and repeats dropped, names lower-cased. */
export function parseCapabilities(setting: string): string[] {
  const names = setting
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(names)];
}

/**
 * The declared names, `code` when the sandbox works, and `llm:<provider>/<model>`. `code`
 * and `llm:` names come from the probes only: a process cannot claim a sandbox it lacks.
 */
export function workerCapabilities(setting: string, probes: CapabilityProbes): string[] {
  const declared = parseCapabilities(setting).filter(
    (name) => name !== 'code' && !name.startsWith('llm:'),
  );
  const probed = [
    ...(probes.codeSandbox ? ['code'] : []),
    `llm:${probes.llmProvider}/${probes.llmModel}`.toLowerCase(),
  ];
  return [...new Set([...declared, ...probed])];
}
