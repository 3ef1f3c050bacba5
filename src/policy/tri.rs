//! Three-valued logic: a match is definite (`Yes`/`No`) only when every value that a symbol or
//! an unknown could stand for gives the same answer; otherwise it is `Maybe`.

/// The outcome of a match that may depend on values not known statically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tri {
    No,
    Maybe,
    Yes,
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::Yes } else { Tri::No }
    }

    /// Kleene conjunction: `No` wins, then `Maybe`.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Maybe,
        }
    }

    /// Kleene disjunction: `Yes` wins, then `Maybe`.
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Maybe,
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
        }
    }

    /// Both answers are possible: the same when they agree, `Maybe` when they differ.
    pub fn join(self, other: Tri) -> Tri {
        if self == other { self } else { Tri::Maybe }
    }

    pub fn any(items: impl IntoIterator<Item = Tri>) -> Tri {
        items.into_iter().fold(Tri::No, Tri::or)
    }

    pub fn all(items: impl IntoIterator<Item = Tri>) -> Tri {
        items.into_iter().fold(Tri::Yes, Tri::and)
    }

    pub fn possible(self) -> bool {
        self != Tri::No
    }
}

#[cfg(test)]
mod tests {
    use super::Tri::*;
    use super::*;

    #[test]
    fn kleene_tables() {
        assert_eq!(Yes.and(Maybe), Maybe);
        assert_eq!(No.and(Maybe), No);
        assert_eq!(Yes.or(Maybe), Yes);
        assert_eq!(No.or(Maybe), Maybe);
        assert_eq!(Maybe.not(), Maybe);
        assert_eq!(Tri::any([]), No);
        assert_eq!(Tri::all([]), Yes);
        assert_eq!(Yes.join(No), Maybe);
    }
}
