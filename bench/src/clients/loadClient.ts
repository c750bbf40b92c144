/**
 * What a scenario needs from a client connection, whatever the system under test. Bodies are
 * the scenario's own short ASCII strings ("<index>:<scheduled ms>"), so clients may find them in
 * a frame without a full JSON parse.
 */
export interface LoadClient {
  readonly userId: string;
  sendDirect(to: string, body: string, requestId: string): void;
  sendToConversation(conversationId: string, body: string, requestId: string): void;
  createGroup(name: string, members: readonly string[]): Promise<string>;
  /** Opens live delivery: Switchboard holds a new connection's live events until its first request, so a sync goes first. */
  ready(): Promise<void>;
  /** Called for every delivered message with its body. */
  onDelivery: (body: string) => void;
  /** Called for the reply to every send. */
  onReply: (requestId: string, ok: boolean, code?: string) => void;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

export const noDelivery = (_body: string): void => undefined;
export const noReply = (_requestId: string, _ok: boolean, _code?: string): void => undefined;
