import yaml, sys, time, collections
from bot.kb.load import load_knowledge
from bot.nlu.understand import understand
from bot.routing import pick_rule
s = load_knowledge('knowledge')
data = yaml.safe_load(open('tests/data/comprendre.yaml'))
per = collections.defaultdict(lambda: [0,0]); fails = []
for item in data:
    u = understand(item['text'], s)
    p = u.place.place
    got = {}
    got['region'] = p.region if p and p.kind != 'outside' else None
    got['departement'] = p.departement if p else None
    got['commune'] = p.commune if p else None
    got['postal_code'] = p.postal_code if p else None
    got['outside'] = u.place.outside
    got['candidates'] = [c.region for c in u.place.candidates]
    r = pick_rule(u.situation.traits, s)
    got['profile'] = r.profile if r else None
    got['need'] = u.situation.need
    got['question'] = u.confident_question
    ok = True; bad = []
    for k in ['region','departement','commune','postal_code','outside','candidates','profile','need','question']:
        if k in item:
            exp = item[k]
            g = got[k]
            if k == 'candidates': 
                ok_k = sorted(exp) == sorted(g)
            else: ok_k = exp == g
            if not ok_k: ok = False; bad.append(f"{k}: exp {exp} got {g}")
    per[item['cat']][0] += ok; per[item['cat']][1] += 1
    if not ok: fails.append((item['cat'], item['text'], bad, u.question))
tot = sum(v[0] for v in per.values()), sum(v[1] for v in per.values())
for c, (a, b) in sorted(per.items()): print(f"{c:22} {a}/{b} {100*a/b:.0f}%")
print("TOTAL", tot, f"{100*tot[0]/tot[1]:.1f}%")
if '-v' in sys.argv:
    for f in fails: print(f)
