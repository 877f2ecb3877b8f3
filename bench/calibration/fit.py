import numpy as np, csv, itertools, sys
rows=list(csv.DictReader(open(__import__('os').path.join(__import__('os').path.dirname(__file__),'features.csv'))))
F=['cov','plain','unknown','win','headCov','nMatched','nConcepts','bm25']
for r in rows:
    for k in F: r[k]=float(r[k])
    r['gold']=int(r['gold']); r['rank']=int(r['rank']); r['q']=int(r['q'])
def featvec(r, names):
    out=[]
    for n in names:
        if n=='single': out.append(1.0 if r['nMatched']<=1 else 0.0)
        elif n=='logbm25': out.append(np.log1p(r['bm25']))
        else: out.append(r[n])
    return out
def fit(X,y,l2=1e-3,it=3000,lr=0.5):
    X=np.hstack([np.ones((len(X),1)),X]); w=np.zeros(X.shape[1])
    for _ in range(it):
        p=1/(1+np.exp(-X@w)); g=X.T@(p-y)/len(y)+l2*np.r_[0,w[1:]]; w-=lr*g
    return w
def qscores(names,w,setname):
    by={}
    for r in rows:
        if r['set']!=setname: continue
        s=w[0]+np.dot(w[1:],featvec(r,names))
        by[r['q']]=max(by.get(r['q'],-1e9),s)
    return np.array(list(by.values()))
def evaluate(names):
    pos=[r for r in rows if r['set'] in('uk','au') and r['gold']==1]
    neg=[r for r in rows if r['set'] in('ukoff','auoff')]
    X=np.array([featvec(r,names) for r in pos+neg]); y=np.array([1]*len(pos)+[0]*len(neg))
    # balance weights: replicate negatives
    w=fit(X,y)
    res=[]
    # threshold for 88% answered over uk+au train questions (incl. those with no passages -> declined)
    nq={'uk':1690,'au':1048}
    a=np.concatenate([qscores(names,w,'uk'),qscores(names,w,'au')])
    total=sum(nq.values())
    th=np.sort(a)[::-1][int(0.88*total)-1]
    out=[]
    for s in ['uk','au']:
        ans=(qscores(names,w,s)>=th).sum()/nq[s]; fa=(qscores(names,w,s+'off')>=th).sum()/152
        out.append(f"{s} ans={ans*100:.1f} false={fa*100:.1f}")
    return w,th,out
for names in [['cov'],['cov','plain'],['cov','unknown'],['cov','win'],['win'],['cov','headCov'],['cov','single'],['cov','win','unknown'],['cov','win','plain'],['cov','win','single'],['cov','logbm25'],['cov','win','headCov']]:
    w,th,out=evaluate(names); print(names, np.round(w,3), round(th,3), out)
