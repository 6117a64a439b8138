// Builds the web app before the browser tests when it is missing or older than its sources
// (a no-op after `npm run build`, as in CI).
import { build } from '../scripts/build.mjs';

export default function setup() {
  build({ names: ['web'], ifStale: true });
}
