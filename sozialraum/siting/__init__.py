"""Outreach siting: sparse HiGHS models (MCLP, p-median, LSCP), explanations, k-curve, plans and scenarios."""
