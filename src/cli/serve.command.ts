import { Command } from 'commander';
import { loadConfig } from '../platform/config/config.js';
import { describeFirstRun, startServer } from '../server.js';

export const serveCommand = () =>
  new Command('serve')
    .description(
      'Start the HTTP server (applies migrations; creates the first administrator on an empty database)',
    )
    .option('-p, --port <port>', 'port to listen on (overrides PORT)')
    .option('--host <host>', 'interface to listen on (overrides HOST)')
    .action(async (options: { port?: string; host?: string }) => {
      const config = loadConfig({
        ...process.env,
        ...(options.port !== undefined ? { PORT: options.port } : {}),
        ...(options.host !== undefined ? { HOST: options.host } : {}),
      });
      const server = await startServer(config);
      for (const line of describeFirstRun(server.url, server.firstRun)) console.log(line);
      const stop = async (signal: string) => {
        server.http.log.info({ signal }, 'shutting down');
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
