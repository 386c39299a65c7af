/** Profile names become directory names: a safe alphabet, so one can never point outside <home>. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
