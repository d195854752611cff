import { Injectable } from '@nestjs/common';
import { AGENT_KINDS, EXECUTING_KINDS, normalizeCapabilities, ProfileSeed } from './agent-kinds';
import { ROLE_MARKER } from './prompts';

/** A kind added at run time (by a plugin): it executes tasks like `tool_agent`. */
export interface AddedKind {
  kind: string;
  capabilities: string[];
  systemPrompt: string;
  description?: string;
}

const KIND_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The kinds that take part in selection: the built-in executing kinds and the kinds added
 * at run time. Each added kind has one profile per tenant (named as the kind), created
 * when selection first finds none live; a removed kind's profiles are no longer candidates.
 */
@Injectable()
export class AgentKindRegistry {
  private readonly added = new Map<string, AddedKind>();
  private executing: readonly string[] = EXECUTING_KINDS;

  /** Adds a kind; the returned function removes it again. Throws on a taken or invalid name. */
  add(kind: AddedKind): () => void {
    if (!KIND_NAME.test(kind.kind))
      throw new Error(
        `agent kind "${kind.kind}" must be lower-case letters, digits and _ (at most 64)`,
      );
    if ((AGENT_KINDS as readonly string[]).includes(kind.kind) || this.added.has(kind.kind))
      throw new Error(`agent kind ${kind.kind} already exists`);
    const capabilities = normalizeCapabilities(kind.capabilities);
    if (!capabilities.length) throw new Error(`agent kind ${kind.kind} has no capabilities`);
    const entry = { ...kind, capabilities };
    this.added.set(kind.kind, entry);
    this.refresh();
    return () => {
      if (this.added.get(kind.kind) === entry) this.remove(kind.kind);
    };
  }

  remove(kind: string): void {
    if (this.added.delete(kind)) this.refresh();
  }

  /** The kinds whose live profiles are candidates for tasks. */
  executingKinds(): readonly string[] {
    return this.executing;
  }

  addedKinds(): readonly AddedKind[] {
    return [...this.added.values()];
  }

  /** The profile every tenant gets for an added kind. */
  seedOf(kind: AddedKind): ProfileSeed {
    return {
      kind: kind.kind,
      name: kind.kind.replace(/_/g, '-'),
      capabilities: kind.capabilities,
      specializations: [],
      systemPrompt: `${ROLE_MARKER(kind.kind)}\n${kind.systemPrompt}`,
    };
  }

  private refresh(): void {
    this.executing = [...EXECUTING_KINDS, ...this.added.keys()];
  }
}
