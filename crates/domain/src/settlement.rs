//! The rules of money between an invoice and a customer's balance, without a database: how a payment
//! settles an invoice, how the balance is carried onto a new invoice, and the tax line.
//!
//! - A payment settles an unpaid invoice at once: exactly → paid; less → partial, the shortfall
//!   becomes debt in the balance and the invoice closes; more → paid, the excess becomes credit.
//! - A new invoice takes the balance with it: credit reduces what is due (never below zero, the
//!   rest of the credit stays), debt is carried onto it as a line and leaves the balance.

use crate::money::Rupiah;

/// What a payment does to the invoice it pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// The payment is what was due.
    Exact,
    /// Less than due: the invoice closes as `partial`, `shortfall` moves to the balance as debt.
    Partial { shortfall: Rupiah },
    /// More than due: the invoice is paid, `excess` moves to the balance as credit.
    Over { excess: Rupiah },
}

impl Settlement {
    /// How `paid` settles an invoice of which `due` is owed (both positive, or `due` zero).
    pub fn of(due: Rupiah, paid: Rupiah) -> Settlement {
        match paid.cmp(&due) {
            std::cmp::Ordering::Equal => Settlement::Exact,
            std::cmp::Ordering::Less => Settlement::Partial {
                shortfall: due - paid,
            },
            std::cmp::Ordering::Greater => Settlement::Over { excess: paid - due },
        }
    }

    /// What the settlement adds to the balance: the excess (credit), minus the shortfall (debt).
    pub fn balance_change(self) -> Rupiah {
        match self {
            Settlement::Exact => Rupiah::ZERO,
            Settlement::Partial { shortfall } => -shortfall,
            Settlement::Over { excess } => excess,
        }
    }
}

/// What a new invoice takes from the customer's balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carried {
    Nothing,
    /// Credit applied, as far as the charges go (a positive amount; the line shows it negative).
    Credit(Rupiah),
    /// The whole debt, carried onto the invoice (a positive amount).
    Debt(Rupiah),
}

impl Carried {
    /// What an invoice of `charges` takes from `balance` (positive: credit; negative: debt).
    pub fn from_balance(charges: Rupiah, balance: Rupiah) -> Carried {
        if balance.is_negative() {
            Carried::Debt(-balance)
        } else if balance > Rupiah::ZERO && charges > Rupiah::ZERO {
            Carried::Credit(balance.min(charges))
        } else {
            Carried::Nothing
        }
    }

    /// The change to the balance: credit leaves it (negative), debt leaves it (positive).
    pub fn balance_change(self) -> Rupiah {
        match self {
            Carried::Nothing => Rupiah::ZERO,
            Carried::Credit(amount) => -amount,
            Carried::Debt(amount) => amount,
        }
    }

    /// The change to what the invoice asks for: the same as the balance's (used credit lowers
    /// both; carried debt raises both, the balance back towards zero).
    pub fn due_change(self) -> Rupiah {
        self.balance_change()
    }
}

/// PPN (value-added tax) on invoices: a rate in hundredths of a percent (1,100 = 11 %), and
/// whether prices already include it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxRule {
    pub basis_points: u32,
    pub prices_include_tax: bool,
}

/// The tax line of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tax {
    /// Added to the charges.
    Added(Rupiah),
    /// Contained in the charges already: shown, not added.
    Included(Rupiah),
}

impl TaxRule {
    /// The tax on `charges`, rounded to the nearest rupiah (halves up); none at a zero rate or on
    /// nothing.
    pub fn tax(self, charges: Rupiah) -> Option<Tax> {
        if self.basis_points == 0 || charges <= Rupiah::ZERO {
            return None;
        }
        let charges = i128::from(charges.amount());
        let rate = i128::from(self.basis_points);
        let rounded = |numerator: i128, denominator: i128| {
            let amount = (2 * numerator + denominator) / (2 * denominator);
            Rupiah::new(i64::try_from(amount).expect("tax is less than the charges"))
        };
        Some(if self.prices_include_tax {
            // The charges are price × (1 + rate): the tax is charges × rate / (1 + rate).
            Tax::Included(rounded(charges * rate, 10_000 + rate))
        } else {
            Tax::Added(rounded(charges * rate, 10_000))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rp(amount: i64) -> Rupiah {
        Rupiah::new(amount)
    }

    #[test]
    fn the_worked_example() {
        // Invoice A 100,000, cash 60,000: partial, the balance owes 40,000.
        let a = Settlement::of(rp(100_000), rp(60_000));
        assert_eq!(
            a,
            Settlement::Partial {
                shortfall: rp(40_000)
            }
        );
        let balance = a.balance_change();
        // Invoice B of 50,000 carries the debt: 90,000 due, the balance back at zero.
        let carried = Carried::from_balance(rp(50_000), balance);
        assert_eq!(carried, Carried::Debt(rp(40_000)));
        assert_eq!(rp(50_000) + carried.due_change(), rp(90_000));
        let balance = balance + carried.balance_change();
        assert_eq!(balance, Rupiah::ZERO);
        // Cash 100,000: paid, 10,000 of credit.
        let b = Settlement::of(rp(90_000), rp(100_000));
        assert_eq!(balance + b.balance_change(), rp(10_000));
    }

    #[test]
    fn credit_covers_at_most_the_charges() {
        assert_eq!(
            Carried::from_balance(rp(50_000), rp(80_000)),
            Carried::Credit(rp(50_000))
        );
        assert_eq!(Carried::from_balance(rp(0), rp(80_000)), Carried::Nothing);
        assert_eq!(Carried::from_balance(rp(50_000), rp(0)), Carried::Nothing);
    }

    #[test]
    fn tax_added_or_included() {
        let ppn = |inclusive| TaxRule {
            basis_points: 1_100,
            prices_include_tax: inclusive,
        };
        assert_eq!(ppn(false).tax(rp(100_000)), Some(Tax::Added(rp(11_000))));
        // 111,000 including 11 % holds 11,000 of tax.
        assert_eq!(ppn(true).tax(rp(111_000)), Some(Tax::Included(rp(11_000))));
        // Halves round up: 5 × 11 % = 0.55.
        assert_eq!(ppn(false).tax(rp(5)), Some(Tax::Added(rp(1))));
        assert_eq!(ppn(false).tax(rp(0)), None);
        let none = TaxRule {
            basis_points: 0,
            prices_include_tax: false,
        };
        assert_eq!(none.tax(rp(100_000)), None);
    }

    proptest! {
        #[test]
        fn a_settlement_moves_exactly_the_difference(due in 1i64..10_000_000_000, paid in 1i64..10_000_000_000) {
            let settlement = Settlement::of(rp(due), rp(paid));
            // What the invoice keeps of the payment plus what goes to the balance is the payment,
            // and the invoice counts as settled for what was due.
            prop_assert_eq!(rp(paid) - settlement.balance_change(), rp(due));
        }

        #[test]
        fn carrying_keeps_invoice_plus_balance(charges in 0i64..10_000_000_000, balance in -10_000_000_000i64..10_000_000_000) {
            let carried = Carried::from_balance(rp(charges), rp(balance));
            let due = rp(charges) + carried.due_change();
            prop_assert!(due >= Rupiah::ZERO);
            // What the customer owes overall (due minus balance) does not change by issuing.
            prop_assert_eq!(due - (rp(balance) + carried.balance_change()), rp(charges) - rp(balance));
        }

        #[test]
        fn included_tax_is_less_than_the_charges(charges in 1i64..10_000_000_000, bp in 1u32..5_000) {
            let rule = TaxRule { basis_points: bp, prices_include_tax: true };
            match rule.tax(rp(charges)) {
                Some(Tax::Included(tax)) => prop_assert!(tax < rp(charges)),
                other => prop_assert!(false, "{other:?}"),
            }
        }
    }
}
