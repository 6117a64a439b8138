import { Command } from 'commander';
import { verifyAuditChain } from '../modules/audit/audit.service.js';
import { withDatabase } from './cli-support.js';

export const auditCommand = () => {
  const audit = new Command('audit').description('The audit log');
  audit
    .command('verify')
    .description('Check the hash chain of the audit log; exits 1 and names the rows when it is broken')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const result = await withDatabase((db) => verifyAuditChain({}, { db }));
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else if (result.ok) console.log(`审计链完整 / audit chain intact: ${result.rows} rows`);
      else {
        console.error(`审计链被破坏 / audit chain broken (${result.rows} rows checked):`);
        for (const p of result.problems) console.error(`  row ${p.id}: ${p.problem} — ${p.detail}`);
      }
      if (!result.ok) process.exitCode = 1;
    });
  return audit;
};
