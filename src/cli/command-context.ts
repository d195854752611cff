import type { AgentVillage } from '#sdk';
import type { Output } from './output';

/** What a command gets: the client, where it prints, its words and its flags. */
export interface CommandContext {
  av: AgentVillage;
  out: Output;
  /** The words after the verb. */
  args: string[];
  flags: Partial<Record<string, string | boolean>> & {
    wait?: boolean;
    title?: string;
    priority?: string;
    limit?: string;
    status?: string;
    timeout?: string;
    comment?: string;
    task?: string;
    type?: string;
    scopes?: string;
    name?: string;
  };
}
