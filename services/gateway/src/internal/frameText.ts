import type { ServerFrame } from '@switchboard/protocol';

const eventFrames = new WeakMap<object, string>();

/**
 * The JSON text of a frame. An event frame is encoded once per event object and the text reused:
 * the dispatcher hands one event object to every local recipient, so a group message would
 * otherwise be stringified once per member session.
 */
export function frameText(frame: ServerFrame): string {
  if (frame.type !== 'event') return JSON.stringify(frame);
  let text = eventFrames.get(frame.event);
  if (text === undefined) {
    text = JSON.stringify(frame);
    eventFrames.set(frame.event, text);
  }
  return text;
}
