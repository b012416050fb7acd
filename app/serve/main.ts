import { run } from 'probot';
import app from '../index.js';

/**
 * `npm start`: the app on a port with Probot's server (PORT, default 3000; HOST, default localhost;
 * APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET; see the README).
 */
await run(app);
