/**
 * Assigning approvers to approval levels: each person counts for at most one level of a grant, each
 * level needs its own number of people, and the assignment should complete as many levels as
 * possible. That is bipartite matching with capacities (levels are expanded into seats); with at
 * most a handful of levels we can afford to try every subset of levels, largest first.
 */

export interface MatchingProblem {
  /** Seats per level, in level order. */
  capacities: readonly number[];
  /** `eligible[level][person]`: may this person fill a seat of this level? */
  eligible: readonly (readonly boolean[])[];
  people: number;
}

export interface Matching {
  /** Per level, the people seated there (indices into people), in the order they were seated. */
  seated: number[][];
  /** Levels whose every seat is filled. */
  complete: boolean[];
}

export function assignToLevels(problem: MatchingProblem): Matching {
  const levels = problem.capacities.length;
  const subsets = levelSubsetsBestFirst(levels);
  for (const subset of subsets) {
    // The chosen levels' seats come first and must all fill; the other levels' seats follow and
    // fill where they can, so partial progress ("1 of 2") is shown. Augmenting paths never empty
    // a seat that is already filled, so seating the rest cannot undo the chosen levels.
    const required = seatsOf(problem, subset);
    const seats = [...required, ...seatsOf(problem, range(levels).filter((l) => !subset.includes(l)))];
    const personOfSeat = match(problem, seats, required.length);
    if (personOfSeat) return toMatching(problem, seats, personOfSeat);
  }
  throw new Error('assignToLevels: the empty subset always matches; unreachable');
}

/** Every subset of levels, most levels first, and among equals the ones holding earlier levels. */
function levelSubsetsBestFirst(levels: number): number[][] {
  const subsets: number[][] = [];
  for (let mask = 0; mask < 1 << levels; mask++) subsets.push(range(levels).filter((l) => mask & (1 << l)));
  const rank = (s: number[]) => s.reduce((acc, l) => acc + (1 << (levels - 1 - l)), 0);
  return subsets.sort((a, b) => b.length - a.length || rank(b) - rank(a));
}

function seatsOf(problem: MatchingProblem, levels: readonly number[]): number[] {
  return levels.flatMap((l) => Array.from({ length: Math.max(0, problem.capacities[l] ?? 0) }, () => l));
}

/** Kuhn's augmenting paths, seat by seat; undefined when one of the first `mustFill` seats stays empty. */
function match(problem: MatchingProblem, seats: readonly number[], mustFill: number): (number | undefined)[] | undefined {
  const seatOfPerson: (number | undefined)[] = new Array(problem.people).fill(undefined);
  const personOfSeat: (number | undefined)[] = new Array(seats.length).fill(undefined);
  for (let seat = 0; seat < seats.length; seat++) {
    const filled = augment(problem, seats, seat, seatOfPerson, personOfSeat, new Set());
    if (!filled && seat < mustFill) return undefined;
  }
  return personOfSeat;
}

function augment(
  problem: MatchingProblem,
  seats: readonly number[],
  seat: number,
  seatOfPerson: (number | undefined)[],
  personOfSeat: (number | undefined)[],
  visited: Set<number>,
): boolean {
  const level = seats[seat]!;
  for (let person = 0; person < problem.people; person++) {
    if (!problem.eligible[level]?.[person] || visited.has(person)) continue;
    visited.add(person);
    const held = seatOfPerson[person];
    if (held === undefined || augment(problem, seats, held, seatOfPerson, personOfSeat, visited)) {
      seatOfPerson[person] = seat;
      personOfSeat[seat] = person;
      return true;
    }
  }
  return false;
}

function toMatching(problem: MatchingProblem, seats: readonly number[], personOfSeat: readonly (number | undefined)[]): Matching {
  const seated: number[][] = problem.capacities.map(() => []);
  seats.forEach((level, seat) => {
    const person = personOfSeat[seat];
    if (person !== undefined) seated[level]!.push(person);
  });
  for (const list of seated) list.sort((a, b) => a - b);
  const complete = problem.capacities.map((capacity, level) => seated[level]!.length >= capacity);
  return { seated, complete };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
