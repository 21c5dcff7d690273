// The contract of `tandem plan` (DESIGN §7): what a plan is asked and what it answers, shared by the
// simulation engine, the terminal table, plan.json and plan.html. Field names of PlanPoint are the
// keys of plan.json's points, as the planning issue lists them.

/** The design a lead plans, one value per option of `tandem plan`; `dyads` is the swept list. */
export interface PlanInputs {
  /** Sites (`--sites`). */
  sites: number;
  /** Dyads per site, one design point each (`--dyads 20` or `--dyads 20-40[:STEP]`, step 5 by default). */
  dyads: number[];
  /** Sessions per dyad (`--sessions`). */
  sessions: number;
  /** Share of dyads that drop out before their last session (`--dropout`; 0 = every dyad attends every session). */
  dropout: number;
  /** Population alliance–outcome correlation: early-alliance mean vs PHQ-9 improvement (`--r`). */
  r: number;
  /** Between-site SD of that correlation on Fisher's z (`--tau`). */
  tau: number;
  /** Therapist ICC of the alliance (`--therapist-icc`). */
  therapistIcc: number;
  /** Share of online dyads (`--online`). */
  online: number;
  /** Share of dyads with an interpreter (`--interpreter`). */
  interpreter: number;
  /** The study's suppression k (`--k`). */
  k: number;
  /** True online-vs-in-person Hedges g (`--g`, default 0.3). */
  g: number;
  /** Simulated studies per design point (`--sims`, default 500). */
  sims: number;
  /** Seed (`--seed`): the same seed gives the same plan whatever the number of workers. */
  seed: number;
}

/** What the simulations of one design point give (a row of the table, an element of plan.json's points). */
export interface PlanPoint {
  /** Dyads per site at this point. */
  dyads: number;
  /** Simulated studies behind the figures. */
  sims: number;
  /** Power of the pooled REML alliance–outcome test at α = .05 (with `--sites 1`: the site's own correlation test). */
  power: number;
  /** Power of the fixed-effect (inverse-variance) pooled test. */
  power_fe: number;
  /** Monte Carlo SE of `power`: √(p(1 − p)/sims). */
  mcse: number;
  /** Mean width of the pooled 95% CI of r (null when no simulated study pooled). */
  ci_width: number | null;
  /** Mean width of the 95% prediction interval of r (null when none had one). */
  pi_width: number | null;
  /** Share of simulated studies whose pooling had fewer than 2 sites (counted as not significant). */
  too_few_sites: number;
  /** Mean analysed dyads per site (`n_analysed`). */
  n_analysed: number;
  /** SD of the therapist-ICC estimate over the simulations (its precision; null when never estimable). */
  icc_sd: number | null;
  /** Power of the online-vs-in-person Hedges g test at α = .05 (null when no study had both groups). */
  power_g: number | null;
  /** Share of site rows suppressed (below k). */
  suppressed_share: number;
}

/** plan.json. */
export interface PlanResult {
  inputs: PlanInputs;
  points: PlanPoint[];
}
