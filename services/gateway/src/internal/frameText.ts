import type { ClientEvent, ServerFrame } from '@switchboard/protocol';

const eventFrames = new WeakMap<ClientEvent, string>();

/**
 * The JSON text of an event frame, `{"type":"event","event":…}`, made once per event object and
 * reused: the dispatcher hands one event object to every local recipient, so a group message would
 * otherwise be stringified once per member session.
 */
export function eventFrameText(event: ClientEvent): string {
  let text = eventFrames.get(event);
  if (text === undefined) {
    text = JSON.stringify({ type: 'event', event });
    eventFrames.set(event, text);
  }
  return text;
}

/** The JSON text of a frame; an event frame's is shared (see eventFrameText). */
export function frameText(frame: ServerFrame): string {
  return frame.type === 'event' ? eventFrameText(frame.event) : JSON.stringify(frame);
}
