import { backendSuite } from '../support/backend-suite.ts';
import { openPostgresStore, openSqliteStore } from './fixtures.ts';
import { imageCopiesContract } from './image-copies-contract.ts';
import { metadataStoreContract } from './metadata-store-contract.ts';

// Each engine runs in its own phase of `npm test`: SQLite with the embedded stack,
// PostgreSQL with pg-s3 (a missing server is a loud skip, and a failure in CI).
backendSuite('sqlite', 'SQLite metadata store', () => {
  metadataStoreContract('sqlite', openSqliteStore);
  imageCopiesContract('sqlite', openSqliteStore);
});
backendSuite('postgres', 'PostgreSQL metadata store', () => {
  metadataStoreContract('postgres', openPostgresStore);
  imageCopiesContract('postgres', openPostgresStore);
});
