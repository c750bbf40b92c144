import { EXIT_CONFIG } from '@switchboard/config';

/** Exit statuses, from sysexits.h where one fits, so scripts can tell failures apart. */
export const EXIT_OK = 0;
/** The command ran but did not succeed (a request was refused, a message could not be sent). */
export const EXIT_FAILED = 1;
/** EX_USAGE: the command line is wrong. */
export const EXIT_USAGE = 64;
/** EX_NOINPUT: what the command should read does not exist (a topic). */
export const EXIT_NO_INPUT = 66;
/** EX_UNAVAILABLE: a dependency (Kafka, the gateway) cannot be reached. */
export const EXIT_UNAVAILABLE = 69;
/** EX_CONFIG: an environment variable or a secret is wrong, as the services report it. */
export { EXIT_CONFIG };
