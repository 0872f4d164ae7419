/** The Collections step has two lists: collections for users and collections for agents. */
export const COLLECTION_KINDS = ['user', 'agent'] as const;
export type CollectionKind = (typeof COLLECTION_KINDS)[number];
