const fs=require('fs'),path=require('path'),archiver=require('archiver'),crypto=require('crypto');
const RemoteAuth=require('whatsapp-web.js/src/authStrategies/RemoteAuth');
const root=fs.mkdtempSync('/tmp/wa-exp/r-');
(async()=>{
  const src=path.join(root,'src/Default');
  const files=[];
  const N=+process.argv[2], BIG=+process.argv[3];
  for(let i=0;i<N;i++){const p=path.join(src,i%2?'IndexedDB':'Local Storage/leveldb',`f${i}.ldb`);fs.mkdirSync(path.dirname(p),{recursive:true});const sz=i===N-1?BIG:4000+i;fs.writeFileSync(p,crypto.randomBytes(sz));files.push([path.relative(path.join(root,'src'),p),sz]);}
  const zip=path.join(root,'s.zip');
  await new Promise((res,rej)=>{const out=fs.createWriteStream(zip);out.on('close',res);const a=archiver('zip');a.on('error',rej);a.pipe(out);a.directory(path.join(root,'src'),false);a.finalize();});
  const data=path.join(root,'data');
  const store={sessionExists:async()=>true,extract:async({path:p})=>{fs.mkdirSync(path.dirname(p),{recursive:true});fs.copyFileSync(zip,p)},save:async()=>{},delete:async()=>{}};
  const ra=new RemoteAuth({clientId:'keel',dataPath:data,store,backupSyncIntervalMs:60000});
  ra.setup({options:{puppeteer:{}}});
  await ra.beforeBrowserInitialized();
  const count=()=>{let missing=0,short=0;for(const [f,sz] of files){const p=path.join(ra.userDataDir,f);if(!fs.existsSync(p))missing++;else if(fs.statSync(p).size!==sz)short++;}return {missing,short}};
  console.log(N,BIG,'at resolve',count());
  await new Promise(r=>setTimeout(r,3000));
  console.log('after 3s',count());
})();
