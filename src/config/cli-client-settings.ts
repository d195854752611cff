/** Where the command-line client finds the API and its key when no flag names them. */
export interface CliClientSettings {
  url: string;
  apiKey?: string;
}

export function cliClientSettings(env: NodeJS.ProcessEnv = process.env): CliClientSettings {
  return {
    url: env.AGENT_VILLAGE_URL || 'http://localhost:3000',
    apiKey: env.AGENT_VILLAGE_API_KEY || undefined,
  };
}
