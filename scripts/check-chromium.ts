import { chromiumMissingMessage } from './chromium';

const message = chromiumMissingMessage();
if (message) {
  console.error(message);
  process.exit(1);
}
