import { repositoriesConformance } from 'tickwork/testing';
import { serverOpener } from '../../domain/open-postgres.js';
import { servicesSuite } from '../../domain/services.suite.js';
import { describeWithPostgres } from '../../helpers/services.js';

describeWithPostgres('domain repositories on the PostgreSQL server', () => {
  const open = serverOpener(4);
  repositoriesConformance('PostgreSQL', open);
  servicesSuite('PostgreSQL', open);
});
