"""Construction projects and the five core systems: ledger, dedicated account, real-name roster, payroll, deposit, notice board, compliance and warnings."""
