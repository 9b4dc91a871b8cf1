class _Judge:
    verify_budget = 1

    def label(self, rollout):
        return None

    def label_many(self, rollouts):
        return [None for _ in rollouts]


JUDGE = _Judge()
