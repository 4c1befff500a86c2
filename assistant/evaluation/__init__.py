"""Offline, deterministic evals: golden cases, metrics, a LangChain baseline and the CI gate."""
