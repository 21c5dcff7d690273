import type { Site } from '../study/schema.ts';
import { currentStudy, type EnrolmentDeps } from './deps.ts';

export interface SiteListing {
  study: { studyId: string; title: Record<string, string>; languages: string[]; defaultLanguage: string };
  sites: Site[];
}

/** The study's sites that the caller may see (`'all'` for a lead), in the study's order. */
export async function listSites(
  deps: Pick<EnrolmentDeps, 'store'>,
  visible: readonly string[] | 'all',
): Promise<SiteListing> {
  const study = await currentStudy(deps.store);
  return {
    study: {
      studyId: study.studyId,
      title: study.title,
      languages: study.languages,
      defaultLanguage: study.defaultLanguage,
    },
    sites: study.sites.filter((site) => visible === 'all' || visible.includes(site.siteId)),
  };
}
