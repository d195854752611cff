import {
  AIMessage,
  BaseMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from '@langchain/core/messages';

/** A chat message as plugin hooks see it: plain data, no LangChain types. */
export interface HookMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

const ROLES: Record<string, HookMessage['role']> = {
  system: 'system',
  human: 'user',
  ai: 'assistant',
  tool: 'tool',
};

export function toHookMessages(
  messages: BaseMessage[],
  text: (m: BaseMessage) => string,
): HookMessage[] {
  return messages.map((message) => ({
    role: ROLES[message.type] ?? 'user',
    content: text(message),
  }));
}

/**
 * The messages a hook handed back, as LangChain messages. A message in the place of one of
 * the same role keeps what the model needs beyond the text (an assistant's tool calls, a
 * tool answer's call id); a tool answer with no call to answer is left out, since no
 * provider accepts one.
 */
export function fromHookMessages(hooked: HookMessage[], original: BaseMessage[]): BaseMessage[] {
  const result: BaseMessage[] = [];
  hooked.forEach((message, index) => {
    const before = original[index];
    const sameRole = before !== undefined && ROLES[before.type] === message.role;
    switch (message.role) {
      case 'system':
        result.push(new SystemMessage(message.content));
        break;
      case 'user':
        result.push(new HumanMessage(message.content));
        break;
      case 'assistant':
        result.push(
          new AIMessage({
            content: message.content,
            tool_calls: sameRole ? (before as AIMessage).tool_calls : undefined,
          }),
        );
        break;
      case 'tool':
        if (sameRole)
          result.push(
            new ToolMessage({
              content: message.content,
              tool_call_id: (before as ToolMessage).tool_call_id,
            }),
          );
        break;
    }
  });
  return result;
}
