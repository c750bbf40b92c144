export { migrate } from './storage/migrate';
