import type { Command } from '../cli/command';
import { groupCreate } from './groupCreate';
import { groupList } from './groupList';
import { groupAdd, groupRemove } from './groupMembership';
import { history } from './history';
import { listen } from './listen';
import { send } from './send';
import { stackDown, stackStatus, stackUp } from './stack';
import { token } from './token';
import { topicsList } from './topicsList';
import { topicsTail } from './topicsTail';

/** Every command, in the order `switchboard --help` lists them. */
export const COMMANDS: readonly Command[] = [
  token,
  send,
  listen,
  history,
  groupCreate,
  groupAdd,
  groupRemove,
  groupList,
  topicsList,
  topicsTail,
  stackUp,
  stackDown,
  stackStatus,
];
