/** The site's navigation: every guide is on it, in the intended order, under its own title. */
import { describe, expect, it } from 'vitest';
import { expectedProjectDocuments, GUIDE_ORDER, guideFiles, guideTitle, typedocConfig } from './guides.js';

describe('typedoc navigation', () => {
  const config = typedocConfig();

  it('places every guide of docs/ in the navigation order', () => {
    const unplaced = guideFiles().filter((name) => !(GUIDE_ORDER as readonly string[]).includes(name));
    expect(unplaced, 'add new guides to GUIDE_ORDER in test/docs/guides.ts').toEqual([]);
  });

  it('lists the guides in typedoc.json one by one, in that order (a glob would sort them by name)', () => {
    expect(config.projectDocuments).toEqual(expectedProjectDocuments());
  });

  it('gives every guide a title for its page and navigation entry', () => {
    const untitled = config.projectDocuments.filter((path) => !guideTitle(path));
    expect(untitled).toEqual([]);
  });

  it('keeps the output in docs/api and fails the build on warnings and undocumented exports', () => {
    expect(config.out).toBe('docs/api');
    expect(config.treatWarningsAsErrors).toBe(true);
    expect(config.validation).toMatchObject({ notExported: true, invalidLink: true, notDocumented: true });
  });
});
