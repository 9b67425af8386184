"""Reports for the operators: the daily summary e-mailed to the admins."""
