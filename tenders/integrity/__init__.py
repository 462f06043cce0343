"""Procurement integrity: red flags over the portal's own tenders, for officers and approvers.

Each indicator counts the tenders (or awards) it looks at, names those it flags and links to
them. They are computed in SQL over the rows the open data is published from, in a fixed
number of queries whatever the number of tenders. Only what the open data already makes
public is used for sealed bids: how many bids a tender had, and when they arrived, only once
its bids are opened.
"""
