/** The contract of people clustering (src/pipeline/people/cluster.ts). */

export interface ClusterFace {
  /** `${photoId}#${index}` */
  id: string;
  photoId: string;
  /** Unit length (faceres, 1024-d). */
  embedding: Float32Array;
  /** False for faces too small, unsure or blurred to say who someone is: never assigned. */
  trusted: boolean;
  /** The person it is stored with now. */
  personId: string | null;
}

/** What the person told us; every clustering obeys it. */
export interface PeopleConstraints {
  /** Face → the person it was confirmed as (named, merged or moved): never moved away. */
  confirmed: ReadonlyMap<string, string>;
  /** Face → people it is not ("not this person"): never assigned to them. */
  rejected: ReadonlyMap<string, ReadonlySet<string>>;
}
